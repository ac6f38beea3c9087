import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { Scopes } from '../auth/decorators/scopes.decorator.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { UuidParam } from '../common/validation/uuid-param.decorator.js';
import { CreateProjectDto } from './dto/create-project.dto.js';
import { ListProjectsQueryDto } from './dto/list-projects-query.dto.js';
import { ProjectPageResponseDto } from './dto/project-page-response.dto.js';
import { ProjectResponseDto } from './dto/project-response.dto.js';
import { UpdateProjectDto } from './dto/update-project.dto.js';
import { ProjectsService } from './projects.service.js';

/**
 * Every route needs a caller with the scope (`projects:read` or `projects:write`): a signed-in
 * user has both, an API key or a service account those it was given. Rows are the
 * owner's or an admin's (`ownerScope`, 404 otherwise); admin-only query options answer 403 like
 * `@Roles('admin')` would on a whole route.
 */
@ApiTags('projects')
@Controller('projects')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid id, query or body' })
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @Scopes('projects:write')
  @ApiCreatedResponse({ type: ProjectResponseDto })
  @ApiOperation({
    summary: 'Create a project',
    description: 'Creates a project owned by the caller (the example resource module).',
  })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateProjectDto,
  ): Promise<ProjectResponseDto> {
    return ProjectResponseDto.from(await this.projects.create(user, dto));
  }

  @Get()
  @Scopes('projects:read')
  @ApiOkResponse({ type: ProjectPageResponseDto })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: '`insufficient_role`: ownerId or all without admin',
  })
  @ApiOperation({
    summary: 'List projects',
    description:
      "The caller's projects, a page at a time; administrators may filter by owner or list all.",
  })
  async list(
    @CurrentUser() user: AuthUser,
    @Query() query: ListProjectsQueryDto,
  ): Promise<ProjectPageResponseDto> {
    const { items, total } = await this.projects.list(user, query);
    return {
      items: items.map(ProjectResponseDto.from),
      total,
      page: query.page,
      limit: query.limit,
    };
  }

  @Get(':id')
  @Scopes('projects:read')
  @ApiOkResponse({ type: ProjectResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such project of yours' })
  @ApiOperation({
    summary: 'Get a project',
    description: "One project of the caller's (any, for administrators); anyone else's is a 404.",
  })
  async get(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<ProjectResponseDto> {
    return ProjectResponseDto.from(await this.projects.get(user, id));
  }

  @Patch(':id')
  @Scopes('projects:write')
  @ApiOkResponse({ type: ProjectResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such project of yours' })
  @ApiOperation({
    summary: 'Change a project',
    description: "Changes the name or description of a project of the caller's.",
  })
  async update(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Body() dto: UpdateProjectDto,
  ): Promise<ProjectResponseDto> {
    return ProjectResponseDto.from(await this.projects.update(user, id, dto));
  }

  @Delete(':id')
  @Scopes('projects:write')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such project of yours' })
  @ApiOperation({ summary: 'Delete a project', description: "Deletes a project of the caller's." })
  async remove(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<void> {
    await this.projects.remove(user, id);
  }
}
