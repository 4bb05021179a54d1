package io.downhill.collective;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One member (rank 0..P-1) of a group that sums vectors: a full mesh of authenticated TCP links,
 * one full-duplex socket per pair of members (rank i connects to every rank j &lt; i and accepts the
 * ranks above it).
 *
 * <p><b>A round</b> ({@link #allReduce}) sums the members' parts. With n values, P members, rank r
 * owns the slice {@code [r·n/P, (r+1)·n/P)} (long arithmetic). Two phases:
 * <ol>
 *   <li>reduce-scatter: each member sends slice s of its vector, in its own precision (b = 4 or 8
 *       bytes a value; nothing when it has no vector this round), with its k scalars and its max,
 *       to rank s. The owner sums its slice over all members in rank order, its own part included:
 *       {@code sum = 0; for r = 0..P-1 with a vector: sum[i] += (double) v_r[i]}. Every member gets
 *       every other member's scalars and max in these frames and reduces them itself, in rank
 *       order: {@code s_j = scalars_0[j]; for r = 1..P-1: s_j += scalars_r[j]}.
 *   <li>all-gather: each owner sends its summed slice as doubles to every other member, which
 *       copies it into its result. Skipped when no member had a vector (the sum is null).
 * </ol>
 * The owner performs the driver's merge, {@code Buf.addTo} of each partition's result in rank
 * order into a zeroed double array, on its slice, and everyone else copies the owner's bits: every
 * member ends with the same result, bit for bit equal to the driver's.
 *
 * <p><b>Cost</b> per member and round: 2(P-1) messages (P-1 in each phase) and
 * {@code (P-1)/P · n · (b + 8)} payload bytes sent (and as many received), the least any
 * all-reduce moves for this output (each member must receive the (P-1)/P of the sum it does not
 * own, and contribute the part of the inputs others own). As the sends of a phase go to all peers
 * at once over separate sockets, a round takes about {@code 2α + (P-1)/P · n · (b + 8) · β} with
 * α the latency of a message and β the time a byte takes, against {@code 2(P-1)α} for a ring.
 * {@code io.downhill.bench.MeshBench} measures α and β.
 *
 * <p><b>Members in one process.</b> A member opened with {@code inProcess} puts its process's random
 * token in its address ({@code host:port/token}); two such members with the same token link through
 * memory ({@link MemoryLink}: the same frames, queued as buffers, met under an HMAC of the session
 * and ranks) rather than over loopback TCP. Spark runs an executor's tasks in one JVM, so the tasks
 * of {@code local[*]}, or of one multi-core executor, exchange without the kernel; the members in
 * other processes are reached over TCP as before, in the same mesh.
 *
 * <p><b>Threads.</b> One sender thread per TCP peer (daemon, "downhill-mesh-R-to-S") writes the frames
 * for that peer while the calling thread reads in rank order; so no phase deadlocks when a slice
 * exceeds the socket buffers, and the caller bounds every wait. One thread calls
 * {@link #connect} and {@link #allReduce}; {@link #close} may come from any.
 *
 * <p><b>Security.</b> The listening socket binds the given address only, never the wildcard, and is
 * closed once the links stand. A link is used only after a mutual HMAC-SHA256 challenge-response
 * over the run's secret, bound to the session and both ranks ({@link Handshake}); the secret never
 * travels, and a memory link is found only under an HMAC of the session and ranks with it. Every
 * frame header (magic, round, phase, sender, flags, n, k, payload length) is checked against what
 * the reader expects before any payload is read or room made for it. Frames are
 * neither encrypted nor signed: the links carry gradient sums inside the cluster's network.
 *
 * <p><b>Failure.</b> Any connect, accept or read waits at most {@code timeout}, polling
 * {@code cancelled} every 200 ms; a peer that stops answering, closes its socket or breaks the
 * protocol fails the round with an IOException that names it (a SocketTimeoutException for a
 * timeout, an InterruptedIOException when cancelled), as does a failure of a sender thread. A failed
 * round closes the links, so the other members fail at once rather than at their timeout, and every
 * later round fails with the first error.
 */
public final class Mesh implements AutoCloseable {
  private final InetAddress bind;
  private final int rank;
  private final int size;
  private final Watch watch;
  private final Handshake handshake;
  private final ServerSocket server;
  private final boolean inProcess;
  private volatile AllReduce rounds;
  private volatile boolean closed;

  private Mesh(InetAddress bind, int rank, int size, Watch watch, Handshake handshake, ServerSocket server,
      boolean inProcess) {
    this.bind = bind;
    this.inProcess = inProcess;
    this.rank = rank;
    this.size = size;
    this.watch = watch;
    this.handshake = handshake;
    this.server = server;
    this.rounds = size == 1 ? new AllReduce(0, 1, new Link[1], watch) : null;
  }

  /**
   * Opens this member's listening socket bound to {@code bind} (the executor's own address, never
   * the wildcard) on an ephemeral port; a group of one opens none. {@code secret}: per-run random
   * bytes (at least 16) every member knows; {@code session}: a number all members share for this
   * group (e.g. segment id and stage attempt), bound into the handshake so that a link from another
   * session is refused. {@code timeout}: the longest any connect, accept or read may wait.
   * {@code cancelled}: polled at least every 250 ms while waiting (a killed Spark task); when true the
   * wait ends with an InterruptedIOException.
   */
  public static Mesh listen(InetAddress bind, int rank, int size, byte[] secret, long session, Duration timeout,
      BooleanSupplier cancelled) throws IOException {
    return listen(bind, rank, size, secret, session, timeout, cancelled, false);
  }

  /**
   * {@link #listen}, and with {@code inProcess} this member links through memory to the members of
   * its own process that were opened so too (see "Members in one process" above); the others over TCP.
   */
  public static Mesh listen(InetAddress bind, int rank, int size, byte[] secret, long session, Duration timeout,
      BooleanSupplier cancelled, boolean inProcess) throws IOException {
    if (bind == null || bind.isAnyLocalAddress()) {
      throw new IllegalArgumentException("a mesh member binds its executor's own address; found " + bind
          + " (the wildcard would listen on every interface)");
    }
    if (size < 1 || rank < 0 || rank >= size) {
      throw new IllegalArgumentException("rank must be in [0, size) with size >= 1; found rank " + rank
          + " of size " + size);
    }
    if (secret == null || secret.length < 16) {
      throw new IllegalArgumentException("the mesh secret must have at least 16 bytes; found "
          + (secret == null ? "none" : secret.length + ""));
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the mesh timeout must be positive; found " + timeout);
    }
    if (cancelled == null) {
      throw new IllegalArgumentException("cancelled must not be null (use () -> false)");
    }
    Watch watch = new Watch(timeout, cancelled);
    ServerSocket server = null;
    if (size > 1) {
      server = new ServerSocket();
      try {
        server.bind(new InetSocketAddress(bind, 0), size);
        server.setSoTimeout(Watch.POLL_MILLIS);
      } catch (IOException | RuntimeException e) {
        server.close();
        throw e;
      }
    }
    return new Mesh(bind, rank, size, watch, new Handshake(secret, session, rank, watch), server, inProcess);
  }

  /**
   * "host:port" of the listening socket, to hand to the others (IPv6 hosts in brackets; port 0
   * alone), followed by "/" and this process's token when the member links through memory.
   */
  public String address() {
    String socket = address(bind, server == null ? 0 : server.getLocalPort());
    return inProcess ? socket + "/" + MemoryLink.PROCESS : socket;
  }

  /** Whether the member at {@code address} links to this one through memory: both in this process, both willing. */
  private boolean sharesProcess(String address) {
    return inProcess && address.endsWith("/" + MemoryLink.PROCESS);
  }

  /** "host:port" of a literal address (IPv6 hosts in brackets). */
  static String address(InetAddress host, int port) {
    return (host instanceof Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress()) + ":" + port;
  }

  /**
   * Links to every other member ({@code addresses.get(r)} is rank r's {@link #address()}); returns
   * when all P-1 links are authenticated. On failure the mesh is closed.
   */
  public void connect(List<String> addresses) throws IOException {
    if (addresses.size() != size || !addresses.get(rank).equals(address())) {
      throw new IllegalArgumentException("connect needs the " + size + " members' addresses in rank order, "
          + "with this member's " + address() + " at " + rank + "; found " + addresses);
    }
    if (size == 1) {
      return;
    }
    if (rounds != null || closed) {
      throw new IllegalStateException(closed ? "this mesh is closed" : "this mesh is connected already");
    }
    Link[] links = new Link[size];
    rounds = new AllReduce(rank, size, links, watch);
    try {
      int remote = 0;
      for (int j = 0; j < size; j++) {
        if (j != rank && sharesProcess(addresses.get(j))) {
          register(links, meet(j));
        } else if (j < rank) {
          register(links, dial(j, addresses.get(j)));
        } else if (j > rank) {
          remote++;
        }
      }
      for (int accepted = 0; accepted < remote; accepted++) {
        Socket socket = accept(links);
        try {
          int peer = handshake.asAcceptor(socket, size, r -> links[r] != null);
          register(links, new SocketLink(socket, rank, peer, "rank " + peer + " (" + Handshake.remote(socket) + ")",
              watch));
        } catch (IOException | RuntimeException e) {
          socket.close();
          throw e;
        }
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    server.close();
  }

  /** Adds a link unless the mesh was closed meanwhile (by another thread), so that close() closes every link. */
  private synchronized void register(Link[] links, Link link) throws IOException {
    if (closed) {
      link.close();
      throw new IOException("rank " + rank + "'s mesh was closed while it connected");
    }
    links[link.peer] = link;
  }

  /** This member's end of its memory link to {@code peer}, a member of this process. */
  private Link meet(int peer) {
    String key = handshake.meetingKey(Math.max(rank, peer), Math.min(rank, peer));
    return MemoryLink.open(key, rank, peer, "rank " + peer + " (in this process)", watch);
  }

  /** Opens and authenticates the link to lower rank {@code to}. */
  private Link dial(int to, String address) throws IOException {
    String who = "rank " + to + " (" + address + ")";
    Socket socket = open(parse(address), bind, watch, who, "did its task end?");
    try {
      handshake.asConnector(socket, to, who);
      return new SocketLink(socket, rank, to, who, watch);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * A TCP connection to {@code target} ({@code who} in messages) from the address {@code bind}, or
   * the route's when null; each try waits {@value Watch#POLL_MILLIS} ms, all of them together at most
   * the watch's timeout. A refused connection fails at once, with {@code hint} (why nothing listens).
   */
  static Socket open(InetSocketAddress target, InetAddress bind, Watch watch, String who, String hint)
      throws IOException {
    long start = System.nanoTime();
    while (true) {
      watch.check("connecting to " + who);
      Socket socket = new Socket();
      try {
        if (bind != null) {
          socket.bind(new InetSocketAddress(bind, 0));
        }
        socket.connect(target, Watch.POLL_MILLIS);
        configure(socket);
        return socket;
      } catch (SocketTimeoutException e) {
        socket.close();
        if (watch.expired(start)) {
          throw new SocketTimeoutException(who + " accepted no connection for " + watch.timeoutText());
        }
      } catch (ConnectException e) {
        socket.close();
        throw new ConnectException(who + " refused the connection: nothing listens there (" + hint + ")");
      } catch (IOException | RuntimeException e) {
        socket.close();
        throw e;
      }
    }
  }

  /** Accepts the next connection from a higher rank. */
  private Socket accept(Link[] links) throws IOException {
    long start = System.nanoTime();
    while (true) {
      try {
        Socket socket = server.accept();
        configure(socket);
        return socket;
      } catch (SocketTimeoutException e) {
        String missing = IntStream.range(rank + 1, size).filter(r -> links[r] == null)
            .mapToObj(Integer::toString).collect(Collectors.joining(", "));
        watch.check("ranks " + missing + " to connect");
        if (watch.expired(start)) {
          throw new SocketTimeoutException("ranks " + missing + " did not connect to rank " + rank + " ("
              + address() + ") for " + watch.timeoutText());
        }
      }
    }
  }

  /** TCP_NODELAY (frames are small and awaited) and SO_TIMEOUT {@value Watch#POLL_MILLIS} ms (reads poll). */
  static void configure(Socket socket) throws IOException {
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(Watch.POLL_MILLIS);
  }

  /** "host:port" as {@link #address()} writes it ([host]:port for IPv6; a process token after it ignored), resolved. */
  static InetSocketAddress parse(String address) throws IOException {
    int slash = address.indexOf('/');
    String socket = slash >= 0 ? address.substring(0, slash) : address;
    int colon = socket.lastIndexOf(':');
    String host = colon > 0 ? socket.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      if (host.isEmpty()) {
        throw new IllegalArgumentException("no host");
      }
      return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(socket.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("an address is host:port ([host]:port for IPv6); found '"
          + address + "'", e);
    }
  }

  /**
   * One all-reduce round: every member contributes {@code part}; every member gets the same
   * {@link Sum}. {@code round} increases by member-agreed values (the step number); a frame of
   * another round is a protocol error.
   */
  public Sum allReduce(long round, Part part) throws IOException {
    return allReduce(round, part, null);
  }

  /**
   * {@link #allReduce}, the vectors summed into {@code into} (length n, or null for a fresh array),
   * which the result's vector then is: a caller that is done with each round's sum before the next
   * reuses one array and spares the allocation of n doubles a round.
   */
  public Sum allReduce(long round, Part part, double[] into) throws IOException {
    if (rounds == null || closed) {
      throw new IllegalStateException(closed ? "this mesh is closed" : "connect before the first round");
    }
    return rounds.round(round, part, into);
  }

  /** Frame bytes (headers included) this member has sent in its rounds so far. */
  public long bytesSent() {
    return rounds == null ? 0 : rounds.bytesSent();
  }

  /** Frames this member has sent in its rounds so far. */
  public long messagesSent() {
    return rounds == null ? 0 : rounds.messagesSent();
  }

  /**
   * Closes the sockets and stops the threads; idempotent, never throws. From another thread, it ends
   * a connect or round in progress within 200 ms.
   */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    watch.fail(new IOException("rank " + rank + "'s mesh was closed"));
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        // closing: nothing is left to report to
      }
    }
    if (rounds != null) {
      rounds.close();
    }
  }
}
