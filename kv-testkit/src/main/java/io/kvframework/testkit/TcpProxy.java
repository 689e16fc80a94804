package io.kvframework.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on a loopback port in front of a server, for network faults that work whatever the
 * server's source: {@link #cut()} resets every open connection and refuses new ones, as if the
 * server had gone away; {@link #restore()} accepts connections again on the same port.
 */
public final class TcpProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("kv-testkit");

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile boolean closed;

    private TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        acceptLoop(listener);
    }

    /** Starts a proxy to {@code server}. */
    public static TcpProxy to(TestServer server) {
        return new TcpProxy(server.host(), server.port());
    }

    /** Starts a proxy to host:port. */
    public static TcpProxy to(String host, int port) {
        return new TcpProxy(host, port);
    }

    /** Host clients connect to instead of the server. */
    public String host() {
        return "127.0.0.1";
    }

    /** Port clients connect to instead of the server. */
    public int port() {
        return port;
    }

    /** Whether connections are currently cut. */
    public boolean isCut() {
        return listener == null;
    }

    /** Resets every open connection and refuses new ones until {@link #restore()}. */
    public synchronized void cut() {
        ServerSocket current = listener;
        listener = null;
        if (current != null) {
            closeQuietly(current);
        }
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0);
            } catch (SocketException e) {
                // already closed
            }
            closeQuietly(s);
        }
        sockets.clear();
        LOG.info("kv-testkit: proxy 127.0.0.1:{} -> {}:{} cut", port, targetHost, targetPort);
    }

    /** Accepts connections again on the same port. */
    public synchronized void restore() {
        if (listener != null || closed) {
            return;
        }
        listener = bind(port);
        acceptLoop(listener);
        LOG.info("kv-testkit: proxy 127.0.0.1:{} -> {}:{} restored", port, targetHost, targetPort);
    }

    @Override
    public synchronized void close() {
        closed = true;
        cut();
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("kv-testkit: proxy cannot bind 127.0.0.1:" + port, e);
        }
    }

    private void acceptLoop(ServerSocket server) {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket();
                    try {
                        upstream.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
                    } catch (IOException e) {
                        closeQuietly(client);
                        closeQuietly(upstream);
                        continue;
                    }
                    client.setTcpNoDelay(true);
                    upstream.setTcpNoDelay(true);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    return;
                }
            }
        }, "kv-testkit-proxy-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // connection ended or was cut
            } finally {
                sockets.remove(from);
                sockets.remove(to);
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "kv-testkit-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do
        }
    }
}
