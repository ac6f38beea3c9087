import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Roles } from '../auth/decorators/roles.decorator.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { AuditService } from './audit.service.js';
import { AuditEventPageResponseDto } from './dto/audit-event-page-response.dto.js';
import { AuditEventResponseDto } from './dto/audit-event-response.dto.js';
import { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto.js';

/** The audit trail, for administrators. */
@ApiTags('audit')
@Roles('admin')
@Controller('audit-events')
export class AuditEventsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: AuditEventPageResponseDto, description: 'Newest first' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Unknown type, malformed userId' })
  @ApiOperation({
    summary: 'List audit events',
    description:
      'Security events (sign-ins, revocations, account changes), newest first, filtered by user and type (administrators).',
  })
  async list(@Query() query: ListAuditEventsQueryDto): Promise<AuditEventPageResponseDto> {
    const { items, total } = await this.audit.list(query);
    return {
      items: items.map(AuditEventResponseDto.from),
      total,
      page: query.page,
      limit: query.limit,
    };
  }
}
