import { EventEmitter, once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a PostgreSQL server that can go silent for one application's
 * connections (told apart by the `application_name` of their startup packet): while held, their
 * bytes are kept back in both directions and no socket is closed, as when a route or a peer dies
 * without a FIN or RST. Released, what was kept back is delivered and forwarding resumes.
 */
export class PgProxy {
  private holding = false;
  private held: [Socket, Buffer][] = [];
  private readonly sockets = new Set<Socket>();
  private readonly events = new EventEmitter();

  private constructor(
    private readonly server: Server,
    private readonly target: URL,
    private readonly applicationName: string,
  ) {}

  /** Proxies to the server of `databaseUrl`, watching connections named `applicationName`. */
  static async start(databaseUrl: string, applicationName: string): Promise<PgProxy> {
    const target = new URL(databaseUrl);
    const server = createServer();
    const proxy = new PgProxy(server, target, applicationName);
    server.on('connection', (socket) => proxy.pipe(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** `databaseUrl` (same credentials and database) through this proxy. */
  get url(): string {
    const url = new URL(this.target);
    url.hostname = '127.0.0.1';
    url.port = String((this.server.address() as { port: number }).port);
    return url.toString();
  }

  /** Goes silent on the watched connections, open ones and new ones alike. */
  hold(): void {
    this.holding = true;
  }

  /** Delivers what was held, in order, and forwards again. */
  release(): void {
    this.holding = false;
    for (const [to, chunk] of this.held.splice(0)) if (!to.destroyed) to.write(chunk);
  }

  /** Resolves when a watched connection sends its startup packet. */
  async watchedConnection(): Promise<void> {
    await once(this.events, 'watched');
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private pipe(client: Socket): void {
    const upstream = connect(Number(this.target.port || 5432), this.target.hostname);
    let watched: boolean | undefined;
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (watched === undefined) {
        // The first bytes a client sends are its startup packet, which names the application.
        watched = chunk.includes(this.applicationName);
        if (watched) this.events.emit('watched');
      }
      if (watched && this.holding) this.held.push([to, chunk]);
      else to.write(chunk);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  }
}
