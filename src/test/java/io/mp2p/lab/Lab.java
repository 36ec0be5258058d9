package io.mp2p.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One topology of network namespaces: nodes (hosts, routers, switches) joined by veth pairs, with
 * the processes that run in them. Everything it makes is named {@code m2l-<pid>-<n>-<node>}, the pid
 * being this JVM's; {@link #close()} stops the processes and removes the namespaces, and so does a
 * shutdown hook if the JVM ends first (Ctrl-C, a timeout). A run killed outright (SIGKILL) leaves its
 * namespaces behind; the next lab removes those whose JVM is gone ({@link #removeLeftovers()}).
 * No packet leaves the namespaces: they have no link to the host's own network.
 *
 * <pre>{@code
 * try (Lab lab = Lab.create()) {
 *     String a = lab.node("a"), b = lab.node("b");
 *     lab.link(a, "lan0", b, "lan0");
 *     lab.addr(a, "lan0", "198.18.1.2/24");
 * }
 * }</pre>
 */
final class Lab implements AutoCloseable {
    /** Every namespace of the lab starts with this, then the pid of the JVM that made it. */
    static final String PREFIX = "m2l-";
    private static final AtomicInteger TOPOLOGIES = new AtomicInteger();
    private static volatile boolean leftoversRemoved;

    private final String base;
    private final List<String> namespaces = new ArrayList<>();
    private final List<LabProcess> processes = new ArrayList<>();
    private final Thread hook;
    /** Where config files, sockets and pid files of this topology's daemons go. */
    final Path dir;

    private Lab() throws IOException {
        base = PREFIX + ProcessHandle.current().pid() + "-" + TOPOLOGIES.incrementAndGet() + "-";
        dir = Files.createDirectories(Path.of("target", "lab", base.substring(0, base.length() - 1)).toAbsolutePath());
        hook = new Thread(this::removeAll, "lab-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** A new topology; removes what killed runs left behind first, once per JVM. */
    static Lab create() throws IOException, InterruptedException {
        if (!leftoversRemoved) {
            removeLeftovers();
            leftoversRemoved = true;
        }
        return new Lab();
    }

    /** A new namespace, with {@code lo} up; returns its name. */
    String node(String name) throws IOException, InterruptedException {
        String ns = base + name;
        Shell.run("ip", "netns", "add", ns).check();
        namespaces.add(ns);
        Shell.run("ip", "-n", ns, "link", "set", "lo", "up").check();
        return ns;
    }

    /** A veth pair from {@code ifA} in {@code a} to {@code ifB} in {@code b}, both ends up. */
    void link(String a, String ifA, String b, String ifB) throws IOException, InterruptedException {
        Shell.run("ip", "-n", a, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b).check();
        Shell.run("ip", "-n", a, "link", "set", ifA, "up").check();
        Shell.run("ip", "-n", b, "link", "set", ifB, "up").check();
    }

    /** An address; IPv6 ones without duplicate address detection, so that they are usable at once. */
    void addr(String ns, String dev, String cidr) throws IOException, InterruptedException {
        if (cidr.contains(":")) {
            Shell.run("ip", "-n", ns, "addr", "add", cidr, "dev", dev, "nodad").check();
        } else {
            Shell.run("ip", "-n", ns, "addr", "add", cidr, "dev", dev).check();
        }
    }

    /** A default route via {@code gateway}. */
    void defaultRoute(String ns, String gateway) throws IOException, InterruptedException {
        Shell.run("ip", "-n", ns, gateway.contains(":") ? "-6" : "-4", "route", "add", "default", "via", gateway).check();
    }

    /** {@code sysctl -w key=value} inside {@code ns}. */
    void sysctl(String ns, String key, String value) throws IOException, InterruptedException {
        Shell.in(ns, "sysctl", "-q", "-w", key + "=" + value).check();
    }

    /** Turns a namespace into a router: IPv4 and IPv6 forwarding on, reverse-path filtering off. */
    void router(String ns) throws IOException, InterruptedException {
        sysctl(ns, "net.ipv4.ip_forward", "1");
        sysctl(ns, "net.ipv6.conf.all.forwarding", "1");
        sysctl(ns, "net.ipv4.conf.all.rp_filter", "0");
        sysctl(ns, "net.ipv4.conf.default.rp_filter", "0");
    }

    /** A command in {@code ns} that must succeed. */
    Shell.Result exec(String ns, String... cmd) throws IOException, InterruptedException {
        return Shell.in(ns, cmd).check();
    }

    /** Starts {@code cmd} in {@code ns}; it is stopped by {@link #close()} at the latest. */
    LabProcess start(String ns, String label, List<String> cmd, Map<String, String> env) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(cmd);
        LabProcess p = new LabProcess(label, all, env);
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs (or ran) removeAll itself.
        }
    }

    private void removeAll() {
        List<LabProcess> ps;
        synchronized (processes) {
            ps = new ArrayList<>(processes);
            processes.clear();
        }
        for (LabProcess p : ps) {
            p.close();
        }
        List<String> nss;
        synchronized (namespaces) {
            nss = new ArrayList<>(namespaces);
            namespaces.clear();
        }
        for (String ns : nss) {
            remove(ns);
        }
    }

    /** Ends what still runs in {@code ns} (a daemon that forked, say), by process id, then deletes it. */
    private static void remove(String ns) {
        try {
            Shell.Result pids = Shell.run("ip", "netns", "pids", ns);
            for (String pid : pids.stdout().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            Shell.run("ip", "netns", "del", ns);
        } catch (IOException e) {
            System.err.println("lab: could not remove namespace " + ns + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes the namespaces of lab runs whose JVM no longer runs. */
    static void removeLeftovers() throws IOException, InterruptedException {
        Shell.Result list = Shell.run("ip", "netns", "list");
        for (String line : list.stdout().split("\n")) {
            String ns = line.strip().split("\\s+")[0];
            if (!ns.startsWith(PREFIX)) {
                continue;
            }
            String[] parts = ns.substring(PREFIX.length()).split("-");
            if (parts.length < 2 || !parts[0].matches("\\d+")) {
                continue;
            }
            long pid = Long.parseLong(parts[0]);
            if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) {
                System.out.println("lab: removing " + ns + ", left by an earlier run (process " + pid + " is gone)");
                remove(ns);
            }
        }
    }

    /**
     * Why the lab cannot run here, or null: it needs root, a working {@code ip}, and the right to make
     * a network namespace (root in a container may lack it).
     */
    static String unavailable() {
        try {
            if (!System.getProperty("os.name", "").startsWith("Linux")) {
                return "network namespaces are Linux only";
            }
            Shell.Result uid = Shell.run("id", "-u");
            if (!uid.stdout().strip().equals("0")) {
                return "needs root to create network namespaces (uid " + uid.stdout().strip() + ")";
            }
            if (!Shell.run("ip", "-V").ok()) {
                return "the 'ip' command (iproute2) does not work";
            }
            String probe = PREFIX + ProcessHandle.current().pid() + "-probe";
            Shell.Result add = Shell.run("ip", "netns", "add", probe);
            if (!add.ok()) {
                return "cannot create a network namespace here: " + add.stderr().strip();
            }
            Shell.run("ip", "netns", "del", probe);
            return null;
        } catch (IOException e) {
            return "cannot run 'id' or 'ip': " + e.getMessage() + " (install iproute2)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Why {@code command} (from Debian package {@code pkg}) cannot be used, or null when it runs. */
    static String missing(String pkg, String... command) {
        try {
            Shell.Result r = Shell.run(command);
            return r.ok() ? null : "'" + String.join(" ", command) + "' fails (" + r.stderr().strip()
                    + "): install the Debian package " + pkg;
        } catch (IOException e) {
            return "'" + command[0] + "' is not installed: install the Debian package " + pkg + " (.ci/run does)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
