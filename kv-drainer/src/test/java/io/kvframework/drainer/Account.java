package io.kvframework.drainer;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;

/** Test entity of the drainer tests. */
public record Account(String id, String owner, long balance, String note, long version) {
    public static final Column<Account, String> ID = Column.builder("id", String.class, Account::id).nullable(false).maxLength(100).build();
    public static final Column<Account, String> OWNER = Column.builder("owner", String.class, Account::owner).maxLength(100).build();
    public static final Column<Account, Long> BALANCE = Column.builder("balance", Long.class, Account::balance).nullable(false).build();
    public static final Column<Account, String> NOTE = Column.builder("note", String.class, Account::note).build();

    public static final EntityModel<Account> MODEL = EntityModel.builder(Account.class, "accounts")
            .columns(ID, OWNER, BALANCE, NOTE)
            .key(ID)
            .index("by_owner", OWNER)
            .factory(r -> new Account(r.get(ID), r.get(OWNER), r.get(BALANCE), r.get(NOTE), r.version()))
            .build();

    public Account(String id, String owner, long balance) {
        this(id, owner, balance, null, 0);
    }
}
