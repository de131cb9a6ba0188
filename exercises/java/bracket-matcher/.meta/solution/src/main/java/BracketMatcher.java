import java.util.ArrayDeque;
import java.util.Deque;

public final class BracketMatcher {

    private BracketMatcher() {
    }

    /** Returns whether every bracket in {@code text} is closed in the right order. */
    public static boolean isBalanced(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        Deque<Character> expected = new ArrayDeque<>();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '(' -> expected.push(')');
                case '[' -> expected.push(']');
                case '{' -> expected.push('}');
                case ')', ']', '}' -> {
                    if (expected.isEmpty() || expected.pop() != c) {
                        return false;
                    }
                }
                default -> {
                    // every other character is ignored
                }
            }
        }
        return expected.isEmpty();
    }
}
