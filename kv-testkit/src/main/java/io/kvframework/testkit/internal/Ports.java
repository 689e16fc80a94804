package io.kvframework.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** TCP port helpers: free ports and readiness checks. */
public final class Ports {
    private Ports() {
    }

    /** A currently free TCP port on the loopback interface. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("kv-testkit: no free TCP port", e);
        }
    }

    /** Whether something accepts TCP connections on host:port within a short timeout. */
    public static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until host:port accepts connections, or fails naming what did not come up. */
    public static void awaitListening(String what, String host, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!listening(host, port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("kv-testkit: " + what + " did not listen on " + host + ":" + port
                        + " within " + timeout.toSeconds() + " s");
            }
            sleep(50);
        }
    }

    /** Waits until host:port refuses connections. */
    public static void awaitClosed(String what, String host, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (listening(host, port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("kv-testkit: " + what + " still listens on " + host + ":" + port
                        + " after " + timeout.toSeconds() + " s");
            }
            sleep(50);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("kv-testkit: interrupted", e);
        }
    }
}
