import { applyDecorators, Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/decorators/public.decorator.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { HealthResponseDto } from './dto/health-response.dto.js';

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
      description: 'The database is unreachable',
    }),
  );

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  /** Readiness, kept at its first address. */
  @Get()
  @ReadinessCheck()
  check() {
    return this.ready();
  }

  /** Readiness: 200 when the database answers within 2 s, else 503 (take me out of the pool). */
  @Get('ready')
  @ReadinessCheck()
  ready() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 2000 })]);
  }

  /** Liveness: the process serves requests; never looks at the database (do not restart me). */
  @Get('live')
  @ApiOkResponse({
    schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } } },
  })
  live() {
    return { status: 'ok' };
  }
}
