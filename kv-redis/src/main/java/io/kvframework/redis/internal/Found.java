package io.kvframework.redis.internal;

/**
 * A row a read found: its encoded key, values by model position, version, and whether Redis holds it
 * (else it came from the database).
 */
record Found(String pk, Object[] values, long version, boolean inRedis) {
}
