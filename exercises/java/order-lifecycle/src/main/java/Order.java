import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

public final class Order {

    public enum Status { CREATED, PAID, SHIPPED, DELIVERED, CANCELLED, RETURNED }

    public Order(String id, long totalCents) {
        throw new UnsupportedOperationException("not implemented");
    }

    public String id() {
        throw new UnsupportedOperationException("not implemented");
    }

    public long totalCents() {
        throw new UnsupportedOperationException("not implemented");
    }

    public Status status() {
        throw new UnsupportedOperationException("not implemented");
    }

    public long paidCents() {
        throw new UnsupportedOperationException("not implemented");
    }

    public long remainingCents() {
        throw new UnsupportedOperationException("not implemented");
    }

    public long refundedCents() {
        throw new UnsupportedOperationException("not implemented");
    }

    public Optional<String> trackingCode() {
        throw new UnsupportedOperationException("not implemented");
    }

    public Optional<LocalDate> deliveredOn() {
        throw new UnsupportedOperationException("not implemented");
    }

    public List<Status> history() {
        throw new UnsupportedOperationException("not implemented");
    }

    public void pay(long amountCents) {
        throw new UnsupportedOperationException("not implemented");
    }

    public void ship(String trackingCode) {
        throw new UnsupportedOperationException("not implemented");
    }

    public void deliver(LocalDate date) {
        throw new UnsupportedOperationException("not implemented");
    }

    public void cancel() {
        throw new UnsupportedOperationException("not implemented");
    }

    public void returnOrder(LocalDate date) {
        throw new UnsupportedOperationException("not implemented");
    }
}
