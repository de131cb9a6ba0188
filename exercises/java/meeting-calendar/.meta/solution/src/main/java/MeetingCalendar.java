import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

public final class MeetingCalendar {

    /** A half-open time range {@code [start, end)} in minutes. */
    public record Slot(int start, int end) {
    }

    /** start -> end of every booking; bookings never overlap. */
    private final TreeMap<Integer, Integer> booked = new TreeMap<>();

    public MeetingCalendar() {
    }

    private static void check(int start, int end) {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("invalid range [" + start + ", " + end + ")");
        }
    }

    private static void check(Slot slot) {
        if (slot == null) {
            throw new IllegalArgumentException("slot must not be null");
        }
        check(slot.start(), slot.end());
    }

    public boolean book(int start, int end) {
        check(start, end);
        Map.Entry<Integer, Integer> before = booked.floorEntry(start);
        if (before != null && before.getValue() > start) {
            return false;
        }
        Integer next = booked.ceilingKey(start);
        if (next != null && next < end) {
            return false;
        }
        booked.put(start, end);
        return true;
    }

    public boolean cancel(int start, int end) {
        check(start, end);
        return booked.remove(start, end);
    }

    public List<Slot> bookings() {
        List<Slot> out = new ArrayList<>(booked.size());
        booked.forEach((s, e) -> out.add(new Slot(s, e)));
        return List.copyOf(out);
    }

    public List<Slot> freeSlots(int from, int to, int minLength) {
        if (from < 0 || to < from || minLength < 1) {
            throw new IllegalArgumentException("invalid window or minimum length");
        }
        List<Slot> out = new ArrayList<>();
        int cursor = from;
        Map.Entry<Integer, Integer> first = booked.floorEntry(from);
        if (first != null && first.getValue() > cursor) {
            cursor = first.getValue();
        }
        for (Map.Entry<Integer, Integer> e : booked.subMap(from, false, to, false).entrySet()) {
            if (e.getKey() - cursor >= minLength) {
                out.add(new Slot(cursor, e.getKey()));
            }
            cursor = Math.max(cursor, e.getValue());
        }
        if (cursor < to && to - cursor >= minLength) {
            out.add(new Slot(cursor, to));
        }
        return List.copyOf(out);
    }

    public static int minimumRooms(List<Slot> meetings) {
        if (meetings == null) {
            throw new IllegalArgumentException("meetings must not be null");
        }
        int n = meetings.size();
        int[] starts = new int[n];
        int[] ends = new int[n];
        for (int i = 0; i < n; i++) {
            Slot s = meetings.get(i);
            check(s);
            starts[i] = s.start();
            ends[i] = s.end();
        }
        Arrays.sort(starts);
        Arrays.sort(ends);
        int rooms = 0;
        int best = 0;
        int j = 0;
        for (int i = 0; i < n; i++) {
            while (ends[j] <= starts[i]) {
                j++;
                rooms--;
            }
            rooms++;
            best = Math.max(best, rooms);
        }
        return best;
    }

    public static List<Slot> merge(List<Slot> slots) {
        if (slots == null) {
            throw new IllegalArgumentException("slots must not be null");
        }
        slots.forEach(MeetingCalendar::check);
        List<Slot> sorted = new ArrayList<>(slots);
        sorted.sort(Comparator.comparingInt(Slot::start));
        List<Slot> out = new ArrayList<>();
        for (Slot s : sorted) {
            if (!out.isEmpty() && out.get(out.size() - 1).end() >= s.start()) {
                Slot last = out.remove(out.size() - 1);
                out.add(new Slot(last.start(), Math.max(last.end(), s.end())));
            } else {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }
}
