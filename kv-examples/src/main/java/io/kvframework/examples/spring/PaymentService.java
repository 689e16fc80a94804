package io.kvframework.examples.spring;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** The application's own service: it only injects the generated repository. */
@Service
public class PaymentService {
    private final PaymentRepository payments;

    public PaymentService(PaymentRepository payments) {
        this.payments = payments;
    }

    /** Records a new pending payment. */
    public Payment open(String id, String customerId, BigDecimal amount) {
        return payments.createWithKV(new Payment(id, customerId, amount, Payment.Status.PENDING, Instant.now(), 0));
    }

    /** Captures a pending payment; empty when there is no such pending payment. */
    public Optional<Payment> capture(String id) {
        return payments.updateOneWithKV(PaymentTable.STATUS.set(Payment.Status.CAPTURED),
                PaymentTable.ID.eq(id).and(PaymentTable.STATUS.eq(Payment.Status.PENDING)));
    }

    /** A payment by id, from Redis or, once it left the cache, from PostgreSQL. */
    public Optional<Payment> find(String id) {
        return payments.findById(id);
    }

    /** A customer's payments in one status. */
    public List<Payment> of(String customerId, Payment.Status status) {
        return payments.findAllWithKV(PaymentTable.CUSTOMER_ID.eq(customerId).and(PaymentTable.STATUS.eq(status)));
    }
}
