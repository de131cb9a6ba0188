import java.util.Map;

public final class UriTemplate {

    private UriTemplate() {
    }

    /** Expands every {expression} in {@code template} using {@code variables}. */
    public static String expand(String template, Map<String, ?> variables) {
        throw new UnsupportedOperationException("not implemented");
    }
}
