package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's nginx as a reverse proxy that does nothing but forward, with keep-alive connections to
 * its upstream: the proxy benchmark's reference for what a second HTTP hop costs on this machine
 * before any of a gateway's own work (a key check, a limiter, credentials, a call log). It runs in
 * its own process, from a configuration in a temporary folder, until closed.
 */
public final class NginxProxy implements AutoCloseable {

    private final Path dir;
    private final Process process;
    private final int port;

    /** The nginx binary, if this machine has one (Debian: {@code apt-get install nginx-light}). */
    public static Optional<Path> binary() {
        return Stream.concat(
                        Stream.of("/usr/sbin/nginx"),
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                                .filter(p -> !p.isEmpty())
                                .map(p -> p + "/nginx"))
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Forwards every request to {@code upstreamPort} on loopback; {@code workers} as nginx's worker_processes. */
    public NginxProxy(Path binary, int upstreamPort, int workers) throws IOException, InterruptedException {
        dir = Files.createTempDirectory("switchboard-nginx");
        Files.createDirectories(dir.resolve("tmp"));
        port = freePort();
        String conf = """
                worker_processes %d;
                pid %s/nginx.pid;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path %s/tmp; proxy_temp_path %s/tmp; fastcgi_temp_path %s/tmp;
                  uwsgi_temp_path %s/tmp; scgi_temp_path %s/tmp;
                  upstream double { server 127.0.0.1:%d; keepalive 64; }
                  server {
                    listen 127.0.0.1:%d;
                    location / { proxy_pass http://double; proxy_http_version 1.1; proxy_set_header Connection ""; }
                  }
                }
                """.formatted(workers, dir, dir, dir, dir, dir, dir, upstreamPort, port);
        Files.writeString(dir.resolve("nginx.conf"), conf);
        process = new ProcessBuilder(
                        binary.toString(),
                        "-e",
                        "stderr",
                        "-p",
                        dir.toString(),
                        "-c",
                        dir.resolve("nginx.conf").toString(),
                        "-g",
                        "daemon off;")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IOException("nginx did not start: " + Files.readString(dir.resolve("nginx.log")));
            }
            Thread.sleep(20);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        Child.stop(process); // nginx's master stops its workers on SIGTERM
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
