public final class BracketMatcher {

    private BracketMatcher() {
    }

    /** Returns whether every bracket in {@code text} is closed in the right order. */
    public static boolean isBalanced(String text) {
        throw new UnsupportedOperationException("not implemented");
    }
}
