import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OrderTest {

    private static final LocalDate JAN_31 = LocalDate.of(2024, 1, 31);

    private static Order delivered(long total, LocalDate on) {
        Order order = new Order("o-1", total);
        order.pay(total);
        order.ship("TRK");
        order.deliver(on);
        return order;
    }

    private static void assertUnchanged(Order order, Order.Status status, long paid, List<Order.Status> history) {
        assertEquals(status, order.status());
        assertEquals(paid, order.paidCents());
        assertEquals(order.totalCents() - paid, order.remainingCents());
        assertEquals(history, order.history());
    }

    @Test
    void newOrderStartsCreated() {
        Order order = new Order("A-1", 5_000);
        assertEquals("A-1", order.id());
        assertEquals(5_000, order.totalCents());
        assertEquals(Order.Status.CREATED, order.status());
        assertEquals(0, order.paidCents());
        assertEquals(5_000, order.remainingCents());
        assertEquals(0, order.refundedCents());
        assertEquals(Optional.empty(), order.trackingCode());
        assertEquals(Optional.empty(), order.deliveredOn());
        assertEquals(List.of(Order.Status.CREATED), order.history());
    }

    @Test
    void invalidConstructionIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Order(null, 100));
        assertThrows(IllegalArgumentException.class, () -> new Order("", 100));
        assertThrows(IllegalArgumentException.class, () -> new Order(" \t ", 100));
        assertThrows(IllegalArgumentException.class, () -> new Order("A", 0));
        assertThrows(IllegalArgumentException.class, () -> new Order("A", -1));
    }

    @Test
    void fullHappyPath() {
        Order order = new Order("A-1", 5_000);
        order.pay(2_000);
        assertEquals(Order.Status.CREATED, order.status());
        assertEquals(3_000, order.remainingCents());
        order.pay(3_000);
        assertEquals(Order.Status.PAID, order.status());
        order.ship("  TRK-9 ");
        assertEquals(Optional.of("TRK-9"), order.trackingCode());
        order.deliver(JAN_31);
        assertEquals(Optional.of(JAN_31), order.deliveredOn());
        assertEquals(Order.Status.DELIVERED, order.status());
        assertEquals(0, order.refundedCents());
        assertEquals(List.of(Order.Status.CREATED, Order.Status.PAID, Order.Status.SHIPPED,
                Order.Status.DELIVERED), order.history());
    }

    @Test
    void invalidPaymentsAreRejectedWithoutChangingTheOrder() {
        Order order = new Order("A-2", 1_000);
        order.pay(400);
        assertThrows(IllegalArgumentException.class, () -> order.pay(0));
        assertThrows(IllegalArgumentException.class, () -> order.pay(-50));
        assertThrows(IllegalArgumentException.class, () -> order.pay(601));
        assertThrows(IllegalArgumentException.class, () -> order.pay(Long.MIN_VALUE));
        assertUnchanged(order, Order.Status.CREATED, 400, List.of(Order.Status.CREATED));
        order.pay(600);
        assertEquals(Order.Status.PAID, order.status());
    }

    @Test
    void paymentChecksDoNotOverflow() {
        Order order = new Order("big", Long.MAX_VALUE);
        order.pay(Long.MAX_VALUE - 1);
        assertThrows(IllegalArgumentException.class, () -> order.pay(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> order.pay(2));
        assertUnchanged(order, Order.Status.CREATED, Long.MAX_VALUE - 1, List.of(Order.Status.CREATED));
        order.pay(1);
        assertEquals(Order.Status.PAID, order.status());
        assertEquals(0, order.remainingCents());
    }

    @Test
    void operationsInTheWrongStateAreRejected() {
        Order order = new Order("A-3", 100);
        assertThrows(IllegalStateException.class, () -> order.ship("TRK"));
        assertThrows(IllegalStateException.class, () -> order.deliver(JAN_31));
        assertThrows(IllegalStateException.class, () -> order.returnOrder(JAN_31));
        order.pay(100);
        assertThrows(IllegalStateException.class, () -> order.pay(1));
        assertThrows(IllegalStateException.class, () -> order.deliver(JAN_31));
        order.ship("TRK");
        assertThrows(IllegalStateException.class, () -> order.ship("TRK2"));
        assertThrows(IllegalStateException.class, order::cancel);
        assertThrows(IllegalStateException.class, () -> order.returnOrder(JAN_31));
        assertEquals(Optional.of("TRK"), order.trackingCode());
        assertEquals(Order.Status.SHIPPED, order.status());
    }

    @Test
    void stateIsCheckedBeforeArguments() {
        Order order = delivered(100, JAN_31);
        assertThrows(IllegalStateException.class, () -> order.pay(-5));
        assertThrows(IllegalStateException.class, () -> order.ship(null));
        assertThrows(IllegalStateException.class, () -> order.deliver(null));
        Order fresh = new Order("A-4", 100);
        assertThrows(IllegalStateException.class, () -> fresh.returnOrder(null));
    }

    @Test
    void blankTrackingCodeIsRejected() {
        Order order = new Order("A-5", 100);
        order.pay(100);
        assertThrows(IllegalArgumentException.class, () -> order.ship(null));
        assertThrows(IllegalArgumentException.class, () -> order.ship(""));
        assertThrows(IllegalArgumentException.class, () -> order.ship(" \n\u2003"));
        assertEquals(Order.Status.PAID, order.status());
        assertEquals(Optional.empty(), order.trackingCode());
    }

    @Test
    void nullDeliveryDateIsRejected() {
        Order order = new Order("A-6", 100);
        order.pay(100);
        order.ship("TRK");
        assertThrows(IllegalArgumentException.class, () -> order.deliver(null));
        assertEquals(Order.Status.SHIPPED, order.status());
        assertEquals(Optional.empty(), order.deliveredOn());
    }

    @Test
    void cancelBeforePaymentRefundsNothing() {
        Order order = new Order("A-7", 100);
        order.cancel();
        assertEquals(Order.Status.CANCELLED, order.status());
        assertEquals(0, order.refundedCents());
        assertEquals(List.of(Order.Status.CREATED, Order.Status.CANCELLED), order.history());
    }

    @Test
    void cancelAfterPartialPaymentRefundsWhatWasPaid() {
        Order order = new Order("A-8", 1_000);
        order.pay(250);
        order.cancel();
        assertEquals(Order.Status.CANCELLED, order.status());
        assertEquals(250, order.refundedCents());
        assertEquals(250, order.paidCents());
    }

    @Test
    void cancelledOrderIsFinal() {
        Order order = new Order("A-9", 1_000);
        order.pay(1_000);
        order.cancel();
        assertEquals(1_000, order.refundedCents());
        assertThrows(IllegalStateException.class, order::cancel);
        assertThrows(IllegalStateException.class, () -> order.pay(1));
        assertThrows(IllegalStateException.class, () -> order.ship("TRK"));
        assertEquals(List.of(Order.Status.CREATED, Order.Status.PAID, Order.Status.CANCELLED), order.history());
    }

    @Test
    void returnOnTheLastDayOfTheWindowInALeapYear() {
        Order order = delivered(5_000, JAN_31);
        order.returnOrder(LocalDate.of(2024, 3, 1));
        assertEquals(Order.Status.RETURNED, order.status());
        assertEquals(5_000, order.refundedCents());
        assertEquals(List.of(Order.Status.CREATED, Order.Status.PAID, Order.Status.SHIPPED,
                Order.Status.DELIVERED, Order.Status.RETURNED), order.history());
        assertThrows(IllegalStateException.class, () -> order.returnOrder(LocalDate.of(2024, 3, 1)));
    }

    @Test
    void returnOnTheDeliveryDayIsAllowed() {
        Order order = delivered(10, JAN_31);
        order.returnOrder(JAN_31);
        assertEquals(Order.Status.RETURNED, order.status());
    }

    @Test
    void returnAfterTheWindowIsRefused() {
        Order order = delivered(5_000, LocalDate.of(2023, 1, 31));
        assertThrows(IllegalStateException.class, () -> order.returnOrder(LocalDate.of(2023, 3, 3)));
        assertThrows(IllegalStateException.class, () -> order.returnOrder(LocalDate.of(2024, 1, 1)));
        assertEquals(Order.Status.DELIVERED, order.status());
        assertEquals(0, order.refundedCents());
        order.returnOrder(LocalDate.of(2023, 3, 2));
        assertEquals(Order.Status.RETURNED, order.status());
    }

    @Test
    void returnWithBadDateIsAnArgumentError() {
        Order order = delivered(5_000, JAN_31);
        assertThrows(IllegalArgumentException.class, () -> order.returnOrder(null));
        assertThrows(IllegalArgumentException.class, () -> order.returnOrder(LocalDate.of(2024, 1, 30)));
        assertEquals(Order.Status.DELIVERED, order.status());
        assertEquals(0, order.refundedCents());
    }

    @Test
    void historyIsAnUnmodifiableSnapshot() {
        Order order = new Order("A-10", 100);
        List<Order.Status> before = order.history();
        order.pay(100);
        assertEquals(List.of(Order.Status.CREATED), before);
        assertThrows(UnsupportedOperationException.class, () -> before.add(Order.Status.SHIPPED));
        assertThrows(UnsupportedOperationException.class, () -> order.history().clear());
        assertEquals(List.of(Order.Status.CREATED, Order.Status.PAID), order.history());
    }
}
