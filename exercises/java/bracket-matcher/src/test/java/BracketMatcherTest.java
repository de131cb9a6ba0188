import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class BracketMatcherTest {

    @Test
    void emptyStringIsBalanced() {
        assertTrue(BracketMatcher.isBalanced(""));
    }

    @Disabled("Remove to run test")
    @Test
    void textWithoutBracketsIsBalanced() {
        assertTrue(BracketMatcher.isBalanced("just words, <angles> and \"quotes\""));
    }

    @Disabled("Remove to run test")
    @Test
    void singlePairOfEachKind() {
        assertTrue(BracketMatcher.isBalanced("()"));
        assertTrue(BracketMatcher.isBalanced("[]"));
        assertTrue(BracketMatcher.isBalanced("{}"));
    }

    @Disabled("Remove to run test")
    @Test
    void nestedPairs() {
        assertTrue(BracketMatcher.isBalanced("{[()]}"));
        assertTrue(BracketMatcher.isBalanced("([]{})[]"));
    }

    @Disabled("Remove to run test")
    @Test
    void codeLikeText() {
        assertTrue(BracketMatcher.isBalanced("if (xs[i] > 0) { total += f(xs[i]); }"));
    }

    @Disabled("Remove to run test")
    @Test
    void mismatchedKinds() {
        assertFalse(BracketMatcher.isBalanced("(]"));
        assertFalse(BracketMatcher.isBalanced("{)"));
    }

    @Disabled("Remove to run test")
    @Test
    void crossedPairs() {
        assertFalse(BracketMatcher.isBalanced("([)]"));
    }

    @Disabled("Remove to run test")
    @Test
    void closingBeforeOpening() {
        assertFalse(BracketMatcher.isBalanced(")("));
        assertFalse(BracketMatcher.isBalanced("())("));
    }

    @Disabled("Remove to run test")
    @Test
    void unclosedOpeningBrackets() {
        assertFalse(BracketMatcher.isBalanced("[[["));
        assertFalse(BracketMatcher.isBalanced("{[]"));
    }

    @Disabled("Remove to run test")
    @Test
    void unicodeTextIsIgnored() {
        assertTrue(BracketMatcher.isBalanced("Grüße (🙂 [日本] {é})"));
        assertFalse(BracketMatcher.isBalanced("🙂 ( 🙃"));
    }

    @Disabled("Remove to run test")
    @Test
    void deepNesting() {
        String deep = "(".repeat(50_000) + "[]" + ")".repeat(50_000);
        assertTrue(BracketMatcher.isBalanced(deep));
        assertFalse(BracketMatcher.isBalanced(deep + "}"));
    }

    @Disabled("Remove to run test")
    @Test
    void nullIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> BracketMatcher.isBalanced(null));
    }
}
