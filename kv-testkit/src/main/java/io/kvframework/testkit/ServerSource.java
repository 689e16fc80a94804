package io.kvframework.testkit;

/**
 * Where a test server came from. Tests and the smoke command print it, so a run always says which
 * servers it really talked to.
 */
public enum ServerSource {
    /** An address given explicitly through a {@code KV_*} environment variable or system property. */
    EXPLICIT,
    /** A server already listening on its standard local port, used because the user opted in. */
    LOCAL,
    /** A container started through Testcontainers, because a Docker engine answered. */
    TESTCONTAINERS,
    /** A real server process (or, for Kafka, a real broker inside this JVM) started by the testkit. */
    EMBEDDED
}
