import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

public final class UriTemplate {

    private static final String UNRESERVED =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    private static final String RESERVED = ":/?#[]@!$&'()*+,;=";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriTemplate() {
    }

    private record Operator(String first, String separator, boolean named, boolean allowReserved) {
    }

    private record VarSpec(String name, boolean explode, int prefix) {
    }

    private static Operator operator(char c) {
        return switch (c) {
            case '+' -> new Operator("", ",", false, true);
            case '#' -> new Operator("#", ",", false, true);
            case '/' -> new Operator("/", "/", false, false);
            case '?' -> new Operator("?", "&", true, false);
            case '&' -> new Operator("&", "&", true, false);
            default -> null;
        };
    }

    /** Expands every {expression} in {@code template} using {@code variables}. */
    public static String expand(String template, Map<String, ?> variables) {
        if (template == null) {
            throw new IllegalArgumentException("template must not be null");
        }
        Map<String, ?> vars = variables == null ? Map.of() : variables;
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '}') {
                throw new IllegalArgumentException("unmatched '}' at " + i);
            }
            if (c != '{') {
                out.append(c);
                i++;
                continue;
            }
            int close = template.indexOf('}', i + 1);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed expression at " + i);
            }
            out.append(expression(template.substring(i + 1, close), vars));
            i = close + 1;
        }
        return out.toString();
    }

    private static String expression(String body, Map<String, ?> vars) {
        if (body.isEmpty()) {
            throw new IllegalArgumentException("empty expression");
        }
        Operator op = operator(body.charAt(0));
        if (op == null) {
            op = new Operator("", ",", false, false);
        } else {
            body = body.substring(1);
        }
        List<String> items = new ArrayList<>();
        for (String raw : body.split(",", -1)) {
            VarSpec spec = varSpec(raw);
            Object value = vars.get(spec.name());
            if (value == null) {
                continue;
            }
            if (value instanceof List<?> list) {
                if (spec.prefix() > 0) {
                    throw new IllegalArgumentException("prefix modifier on list variable " + spec.name());
                }
                if (list.isEmpty()) {
                    continue;
                }
                if (spec.explode()) {
                    for (Object element : list) {
                        String enc = encode(String.valueOf(element), op.allowReserved());
                        items.add(op.named() ? spec.name() + "=" + enc : enc);
                    }
                } else {
                    List<String> parts = new ArrayList<>();
                    for (Object element : list) {
                        parts.add(encode(String.valueOf(element), op.allowReserved()));
                    }
                    String joined = String.join(",", parts);
                    items.add(op.named() ? spec.name() + "=" + joined : joined);
                }
            } else {
                String s = value.toString();
                if (spec.prefix() > 0 && s.codePointCount(0, s.length()) > spec.prefix()) {
                    s = s.substring(0, s.offsetByCodePoints(0, spec.prefix()));
                }
                String enc = encode(s, op.allowReserved());
                items.add(op.named() ? spec.name() + "=" + enc : enc);
            }
        }
        if (items.isEmpty()) {
            return "";
        }
        return op.first() + String.join(op.separator(), items);
    }

    private static VarSpec varSpec(String raw) {
        int end = 0;
        while (end < raw.length() && isNameChar(raw.charAt(end))) {
            end++;
        }
        if (end == 0) {
            throw new IllegalArgumentException("missing variable name in '" + raw + "'");
        }
        String name = raw.substring(0, end);
        String modifier = raw.substring(end);
        if (modifier.isEmpty()) {
            return new VarSpec(name, false, 0);
        }
        if (modifier.equals("*")) {
            return new VarSpec(name, true, 0);
        }
        if (modifier.matches(":[1-9][0-9]{0,3}")) {
            return new VarSpec(name, false, Integer.parseInt(modifier.substring(1)));
        }
        throw new IllegalArgumentException("invalid modifier '" + modifier + "'");
    }

    private static boolean isNameChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static String encode(String s, boolean allowReserved) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c < 0x80 && (UNRESERVED.indexOf(c) >= 0 || (allowReserved && RESERVED.indexOf(c) >= 0))) {
                out.append(c);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
        }
        return out.toString();
    }
}
