package io.kvframework.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything KV Framework knows about one entity: table, columns, primary key, indexes, cache TTL
 * and how to build the entity from a row. Generated {@code *Table} classes hold one as
 * {@code MODEL}; code that cannot run the annotation processor builds one with {@link #builder}.
 */
public final class EntityModel<E> {
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** Names no column may take: the version column every KV table has. */
    static final Set<String> RESERVED = Set.of("version");

    private final Class<E> type;
    private final String table;
    private final List<Column<E, ?>> columns;
    private final Map<String, Column<E, ?>> byName;
    private final List<Column<E, ?>> key;
    private final List<IndexDefinition> indexes;
    private final Duration ttl;
    private final EntityFactory<E> factory;
    private final java.util.function.ToLongFunction<E> versionGetter;

    /**
     * The most bytes the columns of one primary key or index may take: PostgreSQL refuses index
     * entries over 2,704 bytes and MariaDB keys over 3,072 bytes; a String counts 4 bytes per
     * character (utf8mb4), leaving room for the entries' own overhead.
     */
    public static final int MAX_INDEX_BYTES = 2600;

    private EntityModel(Builder<E> b) {
        this.type = b.type;
        this.table = b.table;
        this.columns = List.copyOf(b.columns);
        Map<String, Column<E, ?>> names = new LinkedHashMap<>();
        columns.forEach(c -> names.put(c.name(), c));
        this.byName = Collections.unmodifiableMap(names);
        this.key = List.copyOf(b.key);
        this.indexes = List.copyOf(b.indexes);
        this.ttl = b.ttl;
        this.factory = b.factory;
        this.versionGetter = b.versionGetter;
    }

    /** The version an entity carries in its {@code @Version} component, or 0 when the entity has none. */
    public long versionOf(E entity) {
        return versionGetter == null ? 0 : versionGetter.applyAsLong(entity);
    }

    /** Starts a model for {@code type} stored in {@code table}. */
    public static <E> Builder<E> builder(Class<E> type, String table) {
        return new Builder<>(type, table);
    }

    public Class<E> type() {
        return type;
    }

    public String table() {
        return table;
    }

    /** All columns, in declaration order. */
    public List<Column<E, ?>> columns() {
        return columns;
    }

    /** Primary-key columns, in key order. */
    public List<Column<E, ?>> key() {
        return key;
    }

    /** Secondary indexes. */
    public List<IndexDefinition> indexes() {
        return indexes;
    }

    /** The cache TTL declared for this entity, if any (otherwise the client default applies). */
    public Optional<Duration> ttl() {
        return Optional.ofNullable(ttl);
    }

    /** The column called {@code name}. */
    public Column<E, ?> column(String name) {
        Column<E, ?> c = byName.get(name);
        if (c == null) {
            throw new UnknownColumnException("table " + table + " has no column '" + name + "'; columns: " + byName.keySet());
        }
        return c;
    }

    /** Whether {@code column} belongs to this model (the very instance). */
    public boolean owns(Column<?, ?> column) {
        return column.position() >= 0 && column.position() < columns.size() && columns.get(column.position()) == column;
    }

    /** Reads every column of an entity, by position. */
    public Object[] values(E entity) {
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = columns.get(i).get(entity);
        }
        return values;
    }

    /**
     * Checks an entity for writing: not null, key columns set, non-nullable columns set, values fit.
     *
     * @return its column values
     * @throws InvalidValueException naming the first problem
     */
    public Object[] validate(E entity) {
        if (entity == null) {
            throw new InvalidValueException(table + ": entity must not be null");
        }
        Object[] values = values(entity);
        return validateValues(values);
    }

    /**
     * Checks an entity for a create: as {@link #validate}, and its {@code @Version} component must be
     * 0, since the store numbers the versions (1 after the create).
     */
    public Object[] validateNew(E entity) {
        Object[] values = validate(entity);
        long version = versionOf(entity);
        if (version != 0) {
            throw new InvalidValueException(table + ": a new entity must have version 0, got " + version
                    + "; the store sets the version (1 after the create). To change a stored row use updateOneWithKV");
        }
        return values;
    }

    private Object[] validateValues(Object[] values) {
        for (int i = 0; i < values.length; i++) {
            Column<E, ?> c = columns.get(i);
            if (values[i] == null) {
                if (!c.nullable()) {
                    throw new InvalidValueException(c.qualified() + (key.contains(c) ? ": key column" : ": column")
                            + " must not be null");
                }
            } else {
                c.check(values[i]);
            }
        }
        return values;
    }

    /** Builds an entity from column values (by position) and its version. */
    public E create(Object[] values, long version) {
        return factory.create(new Row() {
            @Override
            public <T> T get(Column<?, T> column) {
                return column.javaType().cast(values[column.position()]);
            }

            @Override
            public long version() {
                return version;
            }
        });
    }

    @Override
    public String toString() {
        return "EntityModel[" + table + "]";
    }

    /** Builds an {@link EntityModel}; every problem is reported by {@link #build()} as {@link InvalidModelException}. */
    public static final class Builder<E> {
        private final Class<E> type;
        private final String table;
        private final List<Column<E, ?>> columns = new ArrayList<>();
        private final List<Column<E, ?>> key = new ArrayList<>();
        private final List<IndexDefinition> indexes = new ArrayList<>();
        private Duration ttl;
        private EntityFactory<E> factory;
        private java.util.function.ToLongFunction<E> versionGetter;

        private Builder(Class<E> type, String table) {
            this.type = type;
            this.table = table;
        }

        /** Adds columns, in order. */
        @SafeVarargs
        public final Builder<E> columns(Column<E, ?>... columns) {
            this.columns.addAll(Arrays.asList(columns));
            return this;
        }

        /** Sets the primary key (one or several of the columns, in key order). */
        @SafeVarargs
        public final Builder<E> key(Column<E, ?>... key) {
            this.key.clear();
            this.key.addAll(Arrays.asList(key));
            return this;
        }

        /** Adds a (non-unique) index. */
        @SafeVarargs
        public final Builder<E> index(String name, Column<E, ?>... columns) {
            indexes.add(new IndexDefinition(name, Arrays.asList(columns), false));
            return this;
        }

        /** Adds a unique index. */
        @SafeVarargs
        public final Builder<E> uniqueIndex(String name, Column<E, ?>... columns) {
            indexes.add(new IndexDefinition(name, Arrays.asList(columns), true));
            return this;
        }

        /** How long a drained row stays cached in Redis. */
        public Builder<E> ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /** How to read the {@code @Version} component of an entity (a create refuses a version other than 0). */
        public Builder<E> versionOf(java.util.function.ToLongFunction<E> getter) {
            this.versionGetter = getter;
            return this;
        }

        /** How to build the entity from a row. */
        public Builder<E> factory(EntityFactory<E> factory) {
            this.factory = factory;
            return this;
        }

        public EntityModel<E> build() {
            if (type == null) {
                throw new InvalidModelException("entity type is required");
            }
            if (table == null || !NAME.matcher(table).matches()) {
                throw new InvalidModelException(type.getSimpleName() + ": table name '" + table
                        + "' must match [a-z][a-z0-9_]* (at most 63 characters)");
            }
            if (columns.isEmpty()) {
                throw new InvalidModelException(table + ": an entity needs at least one column");
            }
            Set<String> names = new HashSet<>();
            for (Column<E, ?> c : columns) {
                if (!names.add(c.name())) {
                    throw new InvalidModelException(table + ": column '" + c.name() + "' is declared twice");
                }
            }
            if (key.isEmpty()) {
                throw new InvalidModelException(table + ": no primary key; mark at least one column as key");
            }
            for (Column<E, ?> k : key) {
                requireOwn(k, "key");
                if (k.nullable()) {
                    throw new InvalidModelException(table + ": key column " + k.name() + " must be declared not nullable");
                }
                if (!k.type().indexable()) {
                    throw new InvalidModelException(table + ": key column " + k.name() + " has type " + k.type()
                            + ", which cannot be a key");
                }
            }
            if (new HashSet<>(key).size() != key.size()) {
                throw new InvalidModelException(table + ": a key column is listed twice");
            }
            Set<String> indexNames = new HashSet<>();
            for (IndexDefinition index : indexes) {
                if (index.name() == null || !NAME.matcher(index.name()).matches()) {
                    throw new InvalidModelException(table + ": index name '" + index.name() + "' must match [a-z][a-z0-9_]*");
                }
                if (!indexNames.add(index.name())) {
                    throw new InvalidModelException(table + ": index '" + index.name() + "' is declared twice");
                }
                if (index.columns().isEmpty()) {
                    throw new InvalidModelException(table + ": index " + index.name() + " has no columns");
                }
                for (Column<?, ?> c : index.columns()) {
                    requireOwn(c, "index " + index.name());
                    if (!c.type().indexable()) {
                        throw new InvalidModelException(table + ": index " + index.name() + " on column " + c.name()
                                + " of type " + c.type() + " is not supported (equal values may differ in their stored form);"
                                + " index a normalised String or integer column instead");
                    }
                }
            }
            addKeyPrefixIndexes(indexNames);
            if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
                throw new InvalidModelException(table + ": ttl must be positive, got " + ttl);
            }
            if (factory == null) {
                throw new InvalidModelException(table + ": no entity factory");
            }
            Map<Column<E, ?>, Boolean> seen = new HashMap<>();
            Set<Column<?, ?>> indexed = new HashSet<>(key);
            indexes.forEach(index -> indexed.addAll(index.columns()));
            for (int i = 0; i < columns.size(); i++) {
                if (seen.put(columns.get(i), Boolean.TRUE) != null) {
                    throw new InvalidModelException(table + ": a column instance is listed twice");
                }
                columns.get(i).bind(table, i, indexed.contains(columns.get(i)));
            }
            checkIndexSize("primary key", key);
            for (IndexDefinition index : indexes) {
                checkIndexSize("index " + index.name(), index.columns());
            }
            return new EntityModel<>(this);
        }

        /**
         * A composite key's leading columns are an index of their own ({@code key_<columns>}), kept
         * like any other, so that a query may pin a leading part of the key (the lines of one
         * order) without declaring an index. One is added per proper prefix no declared index covers.
         */
        private void addKeyPrefixIndexes(Set<String> indexNames) {
            for (int n = 1; n < key.size(); n++) {
                List<Column<?, ?>> prefix = new ArrayList<>(key.subList(0, n));
                boolean covered = indexes.stream().anyMatch(i -> i.columns().equals(prefix));
                String name = "key_" + String.join("_", prefix.stream().map(Column::name).toList());
                if (!covered && name.length() <= 63 && indexNames.add(name)) {
                    indexes.add(new IndexDefinition(name, prefix, false));
                }
            }
        }

        private void checkIndexSize(String what, List<? extends Column<?, ?>> cols) {
            int bytes = 0;
            for (Column<?, ?> c : cols) {
                bytes += indexBytes(c);
            }
            if (bytes > MAX_INDEX_BYTES) {
                throw new InvalidModelException(table + ": the " + what + " may take " + bytes + " bytes (a String counts 4 bytes per"
                        + " character of its maxLength), over the " + MAX_INDEX_BYTES + " bytes PostgreSQL and MariaDB can index;"
                        + " declare a smaller @Column(maxLength) on its String columns");
            }
        }

        private static int indexBytes(Column<?, ?> c) {
            return switch (c.type()) {
                case STRING, ENUM -> 4 * c.maxLength() + 2;
                case INT, LOCAL_DATE -> 4;
                case SHORT -> 2;
                case BOOLEAN -> 1;
                case UUID -> 36 * 4;
                default -> 8;
            };
        }

        private void requireOwn(Column<?, ?> c, String what) {
            if (c == null || !columns.contains(c)) {
                throw new InvalidModelException(table + ": " + what + " uses a column that is not among the entity's columns: "
                        + (c == null ? "null" : c.name()));
            }
        }
    }
}
