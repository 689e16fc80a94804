package io.kvframework.redis.internal;

import io.kvframework.core.Column;
import java.util.List;
import java.util.Map;

/**
 * An update's assignments: field/value pairs to set and fields to clear in the row hash, and the
 * new values by column (for the database and for unique claims).
 */
record Assignments(List<String> sets, List<String> clears, Map<Column<?, ?>, Object> values) {
}
