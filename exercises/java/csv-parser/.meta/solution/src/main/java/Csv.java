import java.util.ArrayList;
import java.util.List;

public final class Csv {

    /** Thrown by {@link #parse} for malformed input; line and column are 1-based. */
    public static final class FormatException extends RuntimeException {
        private final int line;
        private final int column;

        public FormatException(String message, int line, int column) {
            super(message + " (line " + line + ", column " + column + ")");
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    private Csv() {
    }

    private static void checkDelimiter(char delimiter) {
        if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
            throw new IllegalArgumentException("invalid delimiter");
        }
    }

    public static List<List<String>> parse(String text) {
        return parse(text, ',');
    }

    public static List<List<String>> parse(String text, char delimiter) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        checkDelimiter(delimiter);
        return new Parser(text, delimiter).records();
    }

    private static final class Parser {
        private final String text;
        private final char delimiter;
        private int pos;
        private int line = 1;
        private int lineStart;

        Parser(String text, char delimiter) {
            this.text = text;
            this.delimiter = delimiter;
        }

        private FormatException error(String message, int at) {
            // line/column of position `at`; `line` and `lineStart` describe the current position,
            // which is never before `at`'s line except for an unterminated quote (handled by caller).
            return new FormatException(message, line, at - lineStart + 1);
        }

        private void advance() {
            if (text.charAt(pos) == '\n') {
                line++;
                lineStart = pos + 1;
            }
            pos++;
        }

        /** Length of the line break at {@code pos}: 1 for "\n", 2 for "\r\n", else 0. */
        private int lineBreak() {
            if (pos < text.length() && text.charAt(pos) == '\n') {
                return 1;
            }
            if (pos + 1 < text.length() && text.charAt(pos) == '\r' && text.charAt(pos + 1) == '\n') {
                return 2;
            }
            return 0;
        }

        List<List<String>> records() {
            List<List<String>> out = new ArrayList<>();
            while (pos < text.length()) {
                List<String> record = new ArrayList<>();
                while (true) {
                    record.add(field());
                    if (pos >= text.length()) {
                        break;
                    }
                    if (text.charAt(pos) == delimiter) {
                        advance();
                        continue;
                    }
                    int brk = lineBreak();
                    for (int i = 0; i < brk; i++) {
                        advance();
                    }
                    break;
                }
                out.add(record);
            }
            return out;
        }

        private String field() {
            if (pos < text.length() && text.charAt(pos) == '"') {
                return quoted();
            }
            StringBuilder sb = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == delimiter || lineBreak() > 0) {
                    break;
                }
                if (c == '"') {
                    throw error("quote inside an unquoted field", pos);
                }
                sb.append(c);
                advance();
            }
            return sb.toString();
        }

        private String quoted() {
            int openLine = line;
            int openColumn = pos - lineStart + 1;
            advance();
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw new FormatException("unterminated quoted field", openLine, openColumn);
                }
                char c = text.charAt(pos);
                if (c == '"') {
                    if (pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
                        sb.append('"');
                        advance();
                        advance();
                        continue;
                    }
                    advance();
                    break;
                }
                sb.append(c);
                advance();
            }
            if (pos < text.length() && text.charAt(pos) != delimiter && lineBreak() == 0) {
                throw error("unexpected character after closing quote", pos);
            }
            return sb.toString();
        }
    }

    public static String write(List<List<String>> rows) {
        return write(rows, ',');
    }

    public static String write(List<List<String>> rows, char delimiter) {
        checkDelimiter(delimiter);
        if (rows == null) {
            throw new IllegalArgumentException("rows must not be null");
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            if (row == null || row.isEmpty()) {
                throw new IllegalArgumentException("a record needs at least one field");
            }
            for (int i = 0; i < row.size(); i++) {
                String field = row.get(i);
                if (field == null) {
                    throw new IllegalArgumentException("fields must not be null");
                }
                if (i > 0) {
                    out.append(delimiter);
                }
                boolean quote = field.indexOf(delimiter) >= 0 || field.indexOf('"') >= 0
                        || field.indexOf('\r') >= 0 || field.indexOf('\n') >= 0;
                if (quote) {
                    out.append('"').append(field.replace("\"", "\"\"")).append('"');
                } else {
                    out.append(field);
                }
            }
            out.append('\n');
        }
        return out.toString();
    }
}
