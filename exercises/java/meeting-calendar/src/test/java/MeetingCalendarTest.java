import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MeetingCalendarTest {

    private static MeetingCalendar.Slot slot(int start, int end) {
        return new MeetingCalendar.Slot(start, end);
    }

    @Test
    void emptyCalendar() {
        MeetingCalendar cal = new MeetingCalendar();
        assertEquals(List.of(), cal.bookings());
        assertEquals(List.of(slot(0, 1440)), cal.freeSlots(0, 1440, 1));
    }

    @Test
    void bookingsAreReturnedSortedByStart() {
        MeetingCalendar cal = new MeetingCalendar();
        assertTrue(cal.book(600, 660));
        assertTrue(cal.book(60, 90));
        assertTrue(cal.book(300, 301));
        assertEquals(List.of(slot(60, 90), slot(300, 301), slot(600, 660)), cal.bookings());
    }

    @Test
    void touchingMeetingsDoNotOverlap() {
        MeetingCalendar cal = new MeetingCalendar();
        assertTrue(cal.book(60, 120));
        assertTrue(cal.book(120, 180));
        assertTrue(cal.book(0, 60));
        assertEquals(List.of(slot(0, 60), slot(60, 120), slot(120, 180)), cal.bookings());
    }

    @Test
    void overlappingBookingsAreRefused() {
        MeetingCalendar cal = new MeetingCalendar();
        assertTrue(cal.book(100, 200));
        assertFalse(cal.book(150, 250));
        assertFalse(cal.book(50, 101));
        assertFalse(cal.book(120, 130));
        assertFalse(cal.book(0, 1000));
        assertFalse(cal.book(100, 200));
        assertFalse(cal.book(199, 200));
        assertEquals(List.of(slot(100, 200)), cal.bookings());
    }

    @Test
    void refusalDependsOnTheNeighbourOnEitherSide() {
        MeetingCalendar cal = new MeetingCalendar();
        assertTrue(cal.book(0, 10));
        assertTrue(cal.book(30, 40));
        assertTrue(cal.book(20, 30));
        assertFalse(cal.book(15, 21));
        assertFalse(cal.book(9, 15));
        assertTrue(cal.book(10, 20));
    }

    @Test
    void invalidRangesAreRejected() {
        MeetingCalendar cal = new MeetingCalendar();
        assertThrows(IllegalArgumentException.class, () -> cal.book(10, 10));
        assertThrows(IllegalArgumentException.class, () -> cal.book(10, 5));
        assertThrows(IllegalArgumentException.class, () -> cal.book(-5, 5));
        assertThrows(IllegalArgumentException.class, () -> cal.cancel(7, 7));
        assertThrows(IllegalArgumentException.class, () -> cal.freeSlots(-1, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> cal.freeSlots(10, 9, 1));
        assertThrows(IllegalArgumentException.class, () -> cal.freeSlots(0, 10, 0));
        assertEquals(List.of(), cal.bookings());
    }

    @Test
    void cancelNeedsExactBounds() {
        MeetingCalendar cal = new MeetingCalendar();
        cal.book(100, 200);
        assertFalse(cal.cancel(100, 199));
        assertFalse(cal.cancel(50, 250));
        assertFalse(cal.cancel(300, 400));
        assertTrue(cal.cancel(100, 200));
        assertFalse(cal.cancel(100, 200));
        assertEquals(List.of(), cal.bookings());
        assertTrue(cal.book(150, 160));
    }

    @Test
    void bookingsIsAnUnmodifiableSnapshot() {
        MeetingCalendar cal = new MeetingCalendar();
        cal.book(1, 2);
        List<MeetingCalendar.Slot> snapshot = cal.bookings();
        cal.book(5, 6);
        assertEquals(List.of(slot(1, 2)), snapshot);
        assertThrows(UnsupportedOperationException.class, () -> snapshot.add(slot(8, 9)));
    }

    @Test
    void freeSlotsAreClippedToTheWindow() {
        MeetingCalendar cal = new MeetingCalendar();
        cal.book(540, 600);
        cal.book(630, 660);
        assertEquals(List.of(slot(500, 540), slot(600, 630), slot(660, 700)), cal.freeSlots(500, 700, 1));
        assertEquals(List.of(slot(600, 630)), cal.freeSlots(570, 645, 1));
        assertEquals(List.of(), cal.freeSlots(550, 650, 31));
        assertEquals(List.of(slot(600, 630)), cal.freeSlots(550, 650, 30));
        assertEquals(List.of(), cal.freeSlots(545, 595, 1));
        assertEquals(List.of(), cal.freeSlots(620, 620, 1));
        assertEquals(List.of(slot(600, 601)), cal.freeSlots(600, 601, 1));
    }

    @Test
    void freeSlotsSkipTouchingBookings() {
        MeetingCalendar cal = new MeetingCalendar();
        cal.book(10, 20);
        cal.book(20, 30);
        cal.book(40, 50);
        assertEquals(List.of(slot(0, 10), slot(30, 40), slot(50, 60)), cal.freeSlots(0, 60, 1));
        assertEquals(List.of(slot(30, 40)), cal.freeSlots(10, 50, 5));
    }

    @Test
    void minimumRoomsForAnEmptyList() {
        assertEquals(0, MeetingCalendar.minimumRooms(List.of()));
    }

    @Test
    void minimumRoomsCountsRealOverlapsOnly() {
        assertEquals(1, MeetingCalendar.minimumRooms(List.of(slot(0, 30), slot(30, 60), slot(60, 90))));
        assertEquals(4, MeetingCalendar.minimumRooms(List.of(slot(0, 30), slot(5, 10), slot(15, 20), slot(8, 40),
                slot(9, 12))));
        assertEquals(3, MeetingCalendar.minimumRooms(List.of(slot(0, 30), slot(5, 10), slot(15, 20), slot(8, 40),
                slot(10, 12))));
        assertEquals(2, MeetingCalendar.minimumRooms(List.of(slot(10, 20), slot(10, 20))));
        assertEquals(2, MeetingCalendar.minimumRooms(List.of(slot(50, 60), slot(0, 100), slot(60, 70), slot(20, 50))));
    }

    @Test
    void helpersValidateTheirInput() {
        assertThrows(IllegalArgumentException.class, () -> MeetingCalendar.minimumRooms(null));
        assertThrows(IllegalArgumentException.class, () -> MeetingCalendar.minimumRooms(List.of(slot(3, 3))));
        assertThrows(IllegalArgumentException.class, () -> MeetingCalendar.merge(null));
        assertThrows(IllegalArgumentException.class, () -> MeetingCalendar.merge(List.of(slot(1, 2), slot(-1, 2))));
        assertThrows(IllegalArgumentException.class,
                () -> MeetingCalendar.merge(Arrays.asList(slot(1, 2), null)));
    }

    @Test
    void mergeJoinsOverlappingAndTouchingRanges() {
        assertEquals(List.of(), MeetingCalendar.merge(List.of()));
        List<MeetingCalendar.Slot> input = new ArrayList<>(List.of(
                slot(8, 10), slot(1, 3), slot(15, 18), slot(3, 5), slot(2, 4), slot(16, 17), slot(11, 12),
                slot(15, 18)));
        List<MeetingCalendar.Slot> copy = List.copyOf(input);
        assertEquals(List.of(slot(1, 5), slot(8, 10), slot(11, 12), slot(15, 18)), MeetingCalendar.merge(input));
        assertEquals(copy, input);
    }

    @Test
    void largeCalendar() {
        MeetingCalendar cal = new MeetingCalendar();
        int n = 40_000;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(7));
        for (int i : order) {
            assertTrue(cal.book(i * 10, i * 10 + 5));
        }
        for (int i : order) {
            assertFalse(cal.book(i * 10 + 4, i * 10 + 6));
        }
        assertEquals(n, cal.bookings().size());
        List<MeetingCalendar.Slot> free = cal.freeSlots(0, n * 10, 5);
        assertEquals(n, free.size());
        assertEquals(slot(5, 10), free.get(0));
        assertEquals(slot(n * 10 - 5, n * 10), free.get(n - 1));
        assertEquals(List.of(slot(1005, 1010)), cal.freeSlots(1003, 1012, 1));
    }

    @Test
    void largeHelperInputs() {
        int n = 300_000;
        List<MeetingCalendar.Slot> meetings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            meetings.add(slot(i, i + 100));
        }
        Collections.shuffle(meetings, new Random(11));
        assertEquals(100, MeetingCalendar.minimumRooms(meetings));
        assertEquals(List.of(slot(0, n + 99)), MeetingCalendar.merge(meetings));
    }
}
