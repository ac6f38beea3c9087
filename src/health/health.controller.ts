import { applyDecorators, Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth/decorators/public.decorator.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { RevocationFeed } from '../tokens/revocation-feed.js';
import { HealthResponseDto } from './dto/health-response.dto.js';
import { ShutdownState } from './shutdown-state.js';

/**
 * Documented here rather than by terminus, whose optional Swagger hook depends on how
 * @nestjs/swagger happens to load (so docs/openapi.json would differ between runtimes).
 */
const ReadinessCheck = () =>
  applyDecorators(
    HealthCheck({ swaggerDocumentation: false }),
    ApiOkResponse({ type: HealthResponseDto }),
    ApiServiceUnavailableResponse({
      type: ErrorResponseDto,
      description:
        'The database is unreachable, this instance has lost the revocation feed (it could ' +
        'accept revoked tokens), or it is shutting down (SIGTERM received)',
    }),
  );

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly revocationFeed: RevocationFeed,
    private readonly shutdown: ShutdownState,
  ) {}

  /** Readiness, kept at its first address. */
  @Get()
  @ReadinessCheck()
  @ApiOperation({
    summary: 'Readiness',
    description:
      '200 when the database answers within 2 s and the revocation feed is listening; else 503 (same as /health/ready).',
  })
  check() {
    return this.ready();
  }

  /**
   * Readiness: 200 when the database answers within 2 s and revocations are being followed
   * (`RevocationFeed`), else 503 (take me out of the pool); 503 at once after SIGTERM.
   */
  @Get('ready')
  @ReadinessCheck()
  @ApiOperation({
    summary: 'Readiness',
    description:
      '200 when the database answers within 2 s and the revocation feed is listening; else 503.',
  })
  ready() {
    return this.health.check([
      () => this.shutdownCheck(),
      () => this.database.pingCheck('database', { timeout: 2000 }),
      () => this.revocationFeedCheck(),
    ]);
  }

  private shutdownCheck() {
    const check = this.indicators.check('shutdown');
    return this.shutdown.draining
      ? check.down({ message: 'Shutting down: finishing in-flight requests' })
      : check.up();
  }

  private revocationFeedCheck() {
    const check = this.indicators.check('revocationFeed');
    return this.revocationFeed.isCurrent()
      ? check.up()
      : check.down({ message: 'Not following revocations: the LISTEN connection is down' });
  }

  /** Liveness: the process serves requests; never looks at the database (do not restart me). */
  @Get('live')
  @ApiOkResponse({
    schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } } },
  })
  @ApiOperation({
    summary: 'Liveness',
    description: '200 while the process serves requests; touches no database.',
  })
  live() {
    return { status: 'ok' };
  }
}
