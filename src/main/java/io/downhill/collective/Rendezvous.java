package io.downhill.collective;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the members of a {@link Mesh} learn each other's addresses: a server on the driver that
 * each member reaches once, before it connects its mesh. The driver announces a session and its
 * size ({@link #expect}); each member {@link #join}s with its rank and mesh address, and once all
 * have joined, every one of them gets all the addresses in rank order. It replaces Spark's
 * {@code BarrierTaskContext.allGather}, which polls once a second: the answer comes as the last
 * member arrives.
 *
 * <p><b>Protocol.</b> A member connects and runs the {@link Handshake} as a connector of the
 * session, with its rank as {@code from} and -1 as {@code to} ({@link #DRIVER}: the driver counts
 * as a rank below every member's, so no rendezvous handshake verifies as a mesh link's), both sides
 * proving the run's secret. Then it sends its join (its stage attempt, its group's size and its
 * mesh address) and waits; the driver answers with the roll of addresses, or with a refusal that
 * says why, and closes the connection ({@link Roll} has the bytes).
 *
 * <p><b>Sessions and attempts.</b> A session is the same number through the attempts of its stage
 * (e.g. a segment's id); members bring their stage attempt. A member of a newer attempt than the
 * one gathering starts it afresh and refuses the older one's members still waiting (Spark retries
 * a barrier stage as a whole), a member of an older attempt is refused as stale, and so is one of a
 * session the driver does not expect (never announced, or {@link #forget forgotten} once its stage
 * ended).
 *
 * <p><b>Security.</b> The server binds the given address only, never the wildcard. A connection
 * whose bytes are not a handshake addressed to the driver, whose proof fails, whose join breaks
 * the format (lengths are checked before room is made), or that is refused (unknown session, stale
 * attempt, a rank out of range or joined already) is closed and logged at WARN; the secret is in
 * no message. Such a connection never touches the session's table before it is authenticated, and
 * the members who joined rightly keep their places. Each connection is served by a daemon thread of
 * its own; every read waits at most the timeout.
 */
public final class Rendezvous implements AutoCloseable {
  /** The rank the driver takes in the handshake: below every member's. */
  static final int DRIVER = -1;
  private static final Logger LOG = LoggerFactory.getLogger(Rendezvous.class);
  private final byte[] secret;
  private final Duration timeout;
  private final ServerSocket server;
  private final String address;
  private final Thread acceptor;
  private final ExecutorService connections;
  private final Map<Long, Gathering> sessions = new HashMap<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  /** Per session with progress: counted down when rank 0's reports are all read (or can no longer be). */
  private final Map<Long, java.util.concurrent.CountDownLatch> reporting = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private Rendezvous(byte[] secret, Duration timeout, ServerSocket server, String address) {
    this.secret = secret;
    this.timeout = timeout;
    this.server = server;
    this.address = address;
    AtomicInteger served = new AtomicInteger();
    this.connections = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "downhill-rendezvous-" + served.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.acceptor = new Thread(this::acceptLoop, "downhill-rendezvous-accept");
    acceptor.setDaemon(true);
  }

  /**
   * Opens the server on {@code bind} (the driver's own address, never the wildcard) on an ephemeral
   * port. {@code secret}: the run's random bytes (at least 16) that the members prove too;
   * {@code timeout}: the longest any read of a member's bytes may wait.
   */
  public static Rendezvous open(InetAddress bind, byte[] secret, Duration timeout) throws IOException {
    if (bind == null || bind.isAnyLocalAddress()) {
      throw new IllegalArgumentException("the rendezvous binds the driver's own address; found " + bind
          + " (the wildcard would listen on every interface)");
    }
    checkSecretAndTimeout(secret, timeout);
    ServerSocket server = new ServerSocket();
    try {
      server.bind(new InetSocketAddress(bind, 0));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    Rendezvous r = new Rendezvous(secret.clone(), timeout, server, Mesh.address(bind, server.getLocalPort()));
    r.acceptor.start();
    return r;
  }

  /** "host:port" for the members to {@link #join} (IPv6 hosts in brackets). */
  public String address() {
    return address;
  }

  /**
   * What rank 0 of a session reports while its steps run: the run's step count {@code step} and
   * that step's loss (called on one of the rendezvous' threads).
   */
  @FunctionalInterface
  public interface Progress {
    void step(long step, double loss);
  }

  /** Announces {@code session}, of {@code size} members (ranks 0..size-1), through all its attempts. */
  public void expect(long session, int size) {
    expect(session, size, null);
  }

  /**
   * Announces {@code session} as {@link #expect(long, int)} does; when {@code progress} is not null,
   * rank 0's connection stays open after the roll and the steps it reports ({@link #joinReporting})
   * go to {@code progress} until the member closes it or the session ends.
   */
  public synchronized void expect(long session, int size, Progress progress) {
    if (closed) {
      throw new IllegalStateException("this rendezvous is closed");
    }
    if (size < 1) {
      throw new IllegalArgumentException("a session has at least one member; found size " + size);
    }
    if (sessions.containsKey(session)) {
      throw new IllegalStateException("session " + session + " is expected already");
    }
    if (progress != null) {
      reporting.put(session, new java.util.concurrent.CountDownLatch(1));
    }
    sessions.put(session, new Gathering(session, size, progress == null ? null
        : socket -> connections.execute(() -> readReports(socket, session, progress))));
  }

  /**
   * Ends a session whose members all returned: first waits, at most {@code patience}, until rank
   * 0's step reports are all read (it closes its connection after the segment's last step, before
   * its task returns, so only this server's reading can still be behind), so that the segment's
   * last step has reached {@code progress} when its result is used; then {@link #forget}s it.
   */
  public void finish(long session, Duration patience) throws InterruptedException {
    java.util.concurrent.CountDownLatch read = reporting.get(session);
    if (read != null) {
      read.await(patience.toMillis(), TimeUnit.MILLISECONDS);
    }
    forget(session);
  }

  /** Ends {@code session}: its members still waiting, and any that come later, are refused. */
  public void forget(long session) {
    Gathering gone;
    synchronized (this) {
      gone = sessions.remove(session);
    }
    java.util.concurrent.CountDownLatch read = reporting.remove(session);
    if (read != null) {
      read.countDown();
    }
    if (gone != null) {
      gone.end("session " + session + " has ended");
    }
  }

  /**
   * Stops the server and its threads (waiting up to a second for them) and refuses every waiting
   * member; idempotent, never throws.
   */
  @Override
  public void close() {
    List<Gathering> ending;
    synchronized (this) {
      closed = true;
      ending = List.copyOf(sessions.values());
      sessions.clear();
      reporting.values().forEach(java.util.concurrent.CountDownLatch::countDown);
      reporting.clear();
    }
    try {
      server.close();
    } catch (IOException e) {
      // closing: nothing is left to report to
    }
    ending.forEach(g -> g.end("the rendezvous has closed"));
    connections.shutdownNow();
    open.forEach(Rendezvous::closeQuietly);
    try {
      acceptor.join(1000);
      connections.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("rendezvous {}: accepting failed, no member can join any more: {}", address, e.getMessage());
        }
        return;
      }
      open.add(socket);
      try {
        connections.execute(() -> serve(socket));
      } catch (RuntimeException e) { // closed meanwhile: the pool takes no more
        open.remove(socket);
        closeQuietly(socket);
      }
    }
  }

  /**
   * Reads rank 0's step reports (a frame of 16 bytes: long step, double loss) into {@code progress}
   * until the member closes the connection, the session ends or the rendezvous closes. Reports are
   * only shown, never used for training: a broken report ends the reports, never the segment.
   */
  private void readReports(Socket socket, long session, Progress progress) {
    open.add(socket);
    String who = "rank 0 of session " + session + " (" + Handshake.remote(socket) + ")";
    Watch watch = new Watch(timeout, () -> closed || !expected(session));
    byte[] frame = new byte[Reporter.FRAME];
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(frame).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    try (socket) {
      java.io.InputStream in = socket.getInputStream();
      while (!closed && expected(session)) {
        watch.readFully(in, frame, 0, Reporter.FRAME, who, "a step report");
        progress.step(b.getLong(0), b.getDouble(8));
      }
    } catch (java.io.EOFException e) {
      // the member closed it: its segment ended
    } catch (IOException | RuntimeException e) {
      if (!closed && expected(session)) {
        LOG.debug("rendezvous {}: the step reports of {} ended: {}", address, who, e.getMessage());
      }
    } finally {
      open.remove(socket);
      java.util.concurrent.CountDownLatch read = reporting.get(session);
      if (read != null) {
        read.countDown();
      }
    }
  }

  private synchronized boolean expected(long session) {
    return sessions.containsKey(session);
  }

  /** Authenticates one connection and hands its member to its session, or refuses and closes it. */
  private void serve(Socket socket) {
    String who = "the connection from " + Handshake.remote(socket);
    Watch watch = new Watch(timeout, () -> closed);
    boolean taken = false;
    try {
      Mesh.configure(socket);
      Handshake.Hello hello = Handshake.readHello(socket, watch, who);
      if (hello.to() != DRIVER || hello.from() < 0) {
        throw new IOException(who + " as rank " + hello.from() + " meant to reach rank " + hello.to()
            + ", expected a member (rank >= 0) reaching the rendezvous (rank " + DRIVER + ")");
      }
      who = "rank " + hello.from() + " of session " + hello.session() + " (" + Handshake.remote(socket) + ")";
      new Handshake(secret, hello.session(), DRIVER, watch).answer(socket, hello, who);
      Roll.Join join = Roll.readJoin(socket.getInputStream(), watch, who);
      Gathering session;
      synchronized (this) {
        session = sessions.get(hello.session());
      }
      String refused = session == null
          ? "session " + hello.session() + " is not expected (its stage has ended, or was never announced)"
          : session.join(join.attempt(), hello.from(), join.size(), join.address(), socket);
      if (refused == null) {
        taken = true;
      } else {
        LOG.warn("rendezvous {}: refused {}: {}", address, who, refused);
        socket.getOutputStream().write(Roll.refusal(refused));
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        LOG.warn("rendezvous {}: closed a connection: {}", address, e.getMessage());
      }
    } finally {
      open.remove(socket);
      if (!taken) {
        closeQuietly(socket);
      }
    }
  }

  /**
   * Joins {@code session} at the rendezvous {@code rendezvous} as {@code rank} of {@code size}, in
   * stage attempt {@code attempt}, with this member's {@code meshAddress}; returns the members'
   * addresses in rank order, for {@link Mesh#connect}. Every connect and read waits at most
   * {@code timeout} (the wait for the roll included), polling {@code cancelled} every 200 ms; a
   * refusal, a timeout or a roll that does not list this member fails with an IOException that says
   * what it expected and found.
   */
  public static List<String> join(String rendezvous, byte[] secret, long session, int attempt, int rank, int size,
      String meshAddress, Duration timeout, BooleanSupplier cancelled) throws IOException {
    return join(rendezvous, secret, session, attempt, rank, size, meshAddress, timeout, cancelled, null);
  }

  /** {@link #join}, the connection kept open in {@code kept[0]} when {@code kept} is given. */
  private static List<String> join(String rendezvous, byte[] secret, long session, int attempt, int rank, int size,
      String meshAddress, Duration timeout, BooleanSupplier cancelled, Socket[] kept) throws IOException {
    if (size < 1 || rank < 0 || rank >= size || attempt < 0) {
      throw new IllegalArgumentException("rank must be in [0, size) with size >= 1, and attempt >= 0; found rank "
          + rank + " of size " + size + ", attempt " + attempt);
    }
    if (meshAddress == null || meshAddress.isEmpty() || meshAddress.length() > Roll.MAX_ADDRESS) {
      throw new IllegalArgumentException("the mesh address is host:port of at most " + Roll.MAX_ADDRESS
          + " characters; found " + meshAddress);
    }
    checkSecretAndTimeout(secret, timeout);
    if (cancelled == null) {
      throw new IllegalArgumentException("cancelled must not be null (use () -> false)");
    }
    Watch watch = new Watch(timeout, cancelled);
    String who = "the rendezvous (" + rendezvous + ")";
    Socket socket = Mesh.open(Mesh.parse(rendezvous), null, watch, who, "has the driver's run ended?");
    boolean keep = false;
    try {
      new Handshake(secret, session, rank, watch).asConnector(socket, DRIVER, who);
      socket.getOutputStream().write(Roll.join(attempt, size, meshAddress));
      List<String> roll = Roll.readRoll(socket.getInputStream(), watch, who, size);
      if (!roll.get(rank).equals(meshAddress)) {
        throw new IOException(who + " listed " + roll.get(rank) + " as rank " + rank + ", expected this member's "
            + meshAddress);
      }
      if (kept != null) {
        kept[0] = socket;
        keep = true;
      }
      return roll;
    } finally {
      if (!keep) {
        closeQuietly(socket);
      }
    }
  }

  /**
   * {@link #join} for the member that reports its steps (rank 0 of a session the driver expects
   * with a {@link Progress}): the connection stays open, for {@link Reporter#report}.
   */
  public static Reporter joinReporting(String rendezvous, byte[] secret, long session, int attempt, int rank,
      int size, String meshAddress, Duration timeout, BooleanSupplier cancelled) throws IOException {
    Socket[] kept = new Socket[1];
    List<String> roll = join(rendezvous, secret, session, attempt, rank, size, meshAddress, timeout, cancelled, kept);
    return new Reporter(roll, kept[0]);
  }

  private static void checkSecretAndTimeout(byte[] secret, Duration timeout) {
    if (secret == null || secret.length < 16) {
      throw new IllegalArgumentException("the secret must have at least 16 bytes; found "
          + (secret == null ? "none" : secret.length + ""));
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the rendezvous timeout must be positive; found " + timeout);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing is left to report to
    }
  }
}
