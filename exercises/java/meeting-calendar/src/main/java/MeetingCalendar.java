import java.util.List;

public final class MeetingCalendar {

    /** A half-open time range {@code [start, end)} in minutes. */
    public record Slot(int start, int end) {
    }

    public MeetingCalendar() {
    }

    public boolean book(int start, int end) {
        throw new UnsupportedOperationException("not implemented");
    }

    public boolean cancel(int start, int end) {
        throw new UnsupportedOperationException("not implemented");
    }

    public List<Slot> bookings() {
        throw new UnsupportedOperationException("not implemented");
    }

    public List<Slot> freeSlots(int from, int to, int minLength) {
        throw new UnsupportedOperationException("not implemented");
    }

    public static int minimumRooms(List<Slot> meetings) {
        throw new UnsupportedOperationException("not implemented");
    }

    public static List<Slot> merge(List<Slot> slots) {
        throw new UnsupportedOperationException("not implemented");
    }
}
