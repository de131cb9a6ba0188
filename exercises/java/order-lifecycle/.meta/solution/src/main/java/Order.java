import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public final class Order {

    public enum Status { CREATED, PAID, SHIPPED, DELIVERED, CANCELLED, RETURNED }

    static final int RETURN_WINDOW_DAYS = 30;

    private final String id;
    private final long totalCents;
    private Status status = Status.CREATED;
    private long paidCents;
    private long refundedCents;
    private String trackingCode;
    private LocalDate deliveredOn;
    private final List<Status> history = new ArrayList<>(List.of(Status.CREATED));

    public Order(String id, long totalCents) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        if (totalCents <= 0) {
            throw new IllegalArgumentException("total must be positive");
        }
        this.id = id;
        this.totalCents = totalCents;
    }

    public String id() {
        return id;
    }

    public long totalCents() {
        return totalCents;
    }

    public Status status() {
        return status;
    }

    public long paidCents() {
        return paidCents;
    }

    public long remainingCents() {
        return totalCents - paidCents;
    }

    public long refundedCents() {
        return refundedCents;
    }

    public Optional<String> trackingCode() {
        return Optional.ofNullable(trackingCode);
    }

    public Optional<LocalDate> deliveredOn() {
        return Optional.ofNullable(deliveredOn);
    }

    public List<Status> history() {
        return List.copyOf(history);
    }

    public void pay(long amountCents) {
        require(Status.CREATED, "pay");
        if (amountCents <= 0) {
            throw new IllegalArgumentException("payment must be positive");
        }
        if (amountCents > remainingCents()) {
            throw new IllegalArgumentException("payment exceeds the amount still due");
        }
        paidCents += amountCents;
        if (paidCents == totalCents) {
            moveTo(Status.PAID);
        }
    }

    public void ship(String trackingCode) {
        require(Status.PAID, "ship");
        if (trackingCode == null || trackingCode.isBlank()) {
            throw new IllegalArgumentException("tracking code must not be blank");
        }
        this.trackingCode = trackingCode.strip();
        moveTo(Status.SHIPPED);
    }

    public void deliver(LocalDate date) {
        require(Status.SHIPPED, "deliver");
        if (date == null) {
            throw new IllegalArgumentException("delivery date is required");
        }
        deliveredOn = date;
        moveTo(Status.DELIVERED);
    }

    public void cancel() {
        if (status != Status.CREATED && status != Status.PAID) {
            throw new IllegalStateException("cannot cancel an order that is " + status);
        }
        refundedCents = paidCents;
        moveTo(Status.CANCELLED);
    }

    public void returnOrder(LocalDate date) {
        require(Status.DELIVERED, "return");
        if (date == null) {
            throw new IllegalArgumentException("return date is required");
        }
        if (date.isBefore(deliveredOn)) {
            throw new IllegalArgumentException("return date is before the delivery date");
        }
        if (date.isAfter(deliveredOn.plusDays(RETURN_WINDOW_DAYS))) {
            throw new IllegalStateException("the return window has closed");
        }
        refundedCents = paidCents;
        moveTo(Status.RETURNED);
    }

    private void require(Status expected, String action) {
        if (status != expected) {
            throw new IllegalStateException("cannot " + action + " an order that is " + status);
        }
    }

    private void moveTo(Status next) {
        status = next;
        history.add(next);
    }
}
