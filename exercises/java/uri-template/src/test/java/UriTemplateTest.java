import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UriTemplateTest {

    private static final Map<String, Object> VARS = new HashMap<>();

    static {
        VARS.put("var", "value");
        VARS.put("hello", "Hello World!");
        VARS.put("path", "/foo/bar");
        VARS.put("empty", "");
        VARS.put("x", "1024");
        VARS.put("y", 768);
        VARS.put("half", "50%");
        VARS.put("word", "Grüße");
        VARS.put("emoji", "😀ab");
        VARS.put("list", List.of("red", "green", "blue"));
        VARS.put("nums", Arrays.asList(1, 2, 3));
        VARS.put("nothing", List.of());
        VARS.put("nullvalue", null);
        VARS.put("keys", List.of("a b", "c/d", "ü"));
        VARS.put("Var", "upper");
        VARS.put("sym", ":/?#[]@!$&'()*+,;=");
        VARS.put("safe", "AZaz09-._~");
    }

    private static String expand(String template) {
        return UriTemplate.expand(template, VARS);
    }

    private static void rejects(String template) {
        assertThrows(IllegalArgumentException.class, () -> UriTemplate.expand(template, VARS), template);
    }

    @Test
    void literalTextIsCopiedUnchanged() {
        assertEquals("https://example.com/a b?c=d#ü", expand("https://example.com/a b?c=d#ü"));
        assertEquals("", expand(""));
    }

    @Test
    void simpleExpansionEncodesReservedCharacters() {
        assertEquals("value", expand("{var}"));
        assertEquals("Hello%20World%21", expand("{hello}"));
        assertEquals("%2Ffoo%2Fbar", expand("{path}"));
        assertEquals("1024,768", expand("{x,y}"));
        assertEquals("upper-value", expand("{Var}-{var}"));
        assertEquals("AZaz09-._~", expand("{safe}"));
        assertEquals("%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D", expand("{sym}"));
    }

    @Test
    void reservedAndFragmentExpansionKeepReservedCharacters() {
        assertEquals("Hello%20World!", expand("{+hello}"));
        assertEquals("/foo/bar/here", expand("{+path}/here"));
        assertEquals("#/foo/bar", expand("{#path}"));
        assertEquals("#Hello%20World!,1024", expand("{#hello,x}"));
        assertEquals(":/?#[]@!$&'()*+,;=", expand("{+sym}"));
    }

    @Test
    void percentSignIsAlwaysEncoded() {
        assertEquals("50%25", expand("{half}"));
        assertEquals("50%25", expand("{+half}"));
        assertEquals("#50%25", expand("{#half}"));
        assertEquals("?half=50%25", expand("{?half}"));
    }

    @Test
    void pathAndQueryOperators() {
        assertEquals("/value/1024", expand("{/var,x}"));
        assertEquals("?x=1024&y=768", expand("{?x,y,undef}"));
        assertEquals("&x=1024", expand("{&x}"));
        assertEquals("/users/value/repos?x=1024&y=768", expand("/users/{var}/repos{?x,y}"));
        assertEquals("?q=1024&path=%2Ffoo%2Fbar", UriTemplate.expand("{?q,path}", Map.of("q", 1024, "path", "/foo/bar")));
    }

    @Test
    void emptyStringsAreDefined() {
        assertEquals("?empty=", expand("{?empty}"));
        assertEquals("1024,", expand("{x,empty}"));
        assertEquals("/", expand("{/empty}"));
        assertEquals("#", expand("{#empty}"));
        assertEquals("&empty=&x=1024", expand("{&empty,x}"));
    }

    @Test
    void undefinedVariablesAreSkippedWithTheirPrefix() {
        assertEquals("", expand("{undef}"));
        assertEquals("", expand("{?undef,nullvalue,nothing}"));
        assertEquals("a//b", expand("a/{/undef}/b"));
        assertEquals("", expand("{#nothing}"));
        assertEquals("?x=1024", expand("{?undef,x,nothing}"));
        assertEquals("x", UriTemplate.expand("x{var}", null));
    }

    @Test
    void listsWithoutExplode() {
        assertEquals("red,green,blue", expand("{list}"));
        assertEquals("/red,green,blue", expand("{/list}"));
        assertEquals("?list=red,green,blue", expand("{?list}"));
        assertEquals("1,2,3", expand("{nums}"));
        assertEquals("a%20b,c%2Fd,%C3%BC", expand("{keys}"));
        assertEquals("a%20b,c/d,%C3%BC", expand("{+keys}"));
    }

    @Test
    void explodedLists() {
        assertEquals("red,green,blue", expand("{list*}"));
        assertEquals("/red/green/blue", expand("{/list*}"));
        assertEquals("?list=red&list=green&list=blue", expand("{?list*}"));
        assertEquals("&nums=1&nums=2&nums=3", expand("{&nums*}"));
        assertEquals("#red,green,blue", expand("{#list*}"));
        assertEquals("/value/red/green/blue/1024", expand("{/var,list*,x}"));
        assertEquals("value", expand("{var*}"));
    }

    @Test
    void prefixModifierCountsCodePoints() {
        assertEquals("val", expand("{var:3}"));
        assertEquals("value", expand("{var:30}"));
        assertEquals("Gr%C3%BC", expand("{word:3}"));
        assertEquals("Gr%C3%BC%C3%9Fe", expand("{word}"));
        assertEquals("%F0%9F%98%80", expand("{emoji:1}"));
        assertEquals("%F0%9F%98%80a", expand("{emoji:2}"));
        assertEquals("?var=va&word=G", expand("{?var:2,word:1}"));
        assertEquals("/foo", expand("{+path:4}"));
        assertEquals("value", expand("{var:9999}"));
    }

    @Test
    void prefixOnAListIsAnError() {
        rejects("{list:2}");
        rejects("{?x,list:1}");
    }

    @Test
    void unbalancedBracesAreErrors() {
        rejects("{var");
        rejects("var}");
        rejects("{var}}");
        rejects("{{var}}");
        rejects("{var{x}}");
        rejects("}");
    }

    @Test
    void malformedExpressionsAreErrors() {
        for (String t : List.of("{}", "{+}", "{=x}", "{;x}", "{!x}", "{a,}", "{,a}", "{a b}", "{ a}", "{a-b}",
                "{a:0}", "{a:07}", "{a:10000}", "{a:}", "{a*:3}", "{a:3*}", "{a**}", "{?}", "{üx}", "{++var}")) {
            rejects(t);
        }
    }

    @Test
    void errorsAreRaisedEvenWhenVariablesAreUndefined() {
        rejects("{undef:0}");
        rejects("ok {var} then {/undef,}");
    }

    @Test
    void nullTemplateIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> UriTemplate.expand(null, Map.of()));
    }
}
