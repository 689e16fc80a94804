package io.kvframework.spring.boot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a KV Framework component (the drainer, the Kafka bridge, the ClickHouse loader) with the
 * application: started before the web server takes requests, stopped after it stopped taking them;
 * stopping finishes the batch in flight, acknowledges it and releases the component's shards.
 */
public final class ComponentLifecycle implements SmartLifecycle {
    /** Below the web server's phases, so that the component starts before and stops after it. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
    private static final Logger LOG = LoggerFactory.getLogger("kv-spring");

    private final String name;
    private final Runnable start;
    private final AutoCloseable stop;
    private volatile boolean running;

    /**
     * @param name the component's name, for logs
     * @param start starts it
     * @param stop stops it gracefully
     */
    public ComponentLifecycle(String name, Runnable start, AutoCloseable stop) {
        this.name = name;
        this.start = start;
        this.stop = stop;
    }

    @Override
    public void start() {
        start.run();
        running = true;
        LOG.info("kv-spring: {} started", name);
    }

    @Override
    public void stop() {
        try {
            stop.close();
        } catch (Exception e) {
            LOG.warn("kv-spring: stopping {} failed: {}", name, e.toString());
        } finally {
            running = false;
        }
        LOG.info("kv-spring: {} stopped", name);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
