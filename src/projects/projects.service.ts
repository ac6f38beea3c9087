import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { isServiceAccount, notFound, ownerScope, requireRole } from '../auth/access-policy.js';
import { ErrorCode } from '../common/errors/error-codes.js';
import type { CreateProjectDto } from './dto/create-project.dto.js';
import type { ListProjectsQueryDto } from './dto/list-projects-query.dto.js';
import type { UpdateProjectDto } from './dto/update-project.dto.js';
import { Project } from './project.entity.js';

@Injectable()
export class ProjectsService {
  constructor(@InjectRepository(Project) private readonly projects: Repository<Project>) {}

  async create(owner: AuthUser, dto: CreateProjectDto): Promise<Project> {
    if (isServiceAccount(owner)) {
      throw new ForbiddenException({
        code: ErrorCode.Forbidden,
        message: 'A service account owns no projects: create them as a user (or a user’s API key)',
      });
    }
    return this.projects.save(
      this.projects.create({
        ownerId: owner.userId,
        name: dto.name,
        description: dto.description ?? null,
      }),
    );
  }

  /** The caller's projects; an admin may ask for one user's (`ownerId`) or everyone's (`all`). */
  async list(
    user: AuthUser,
    query: ListProjectsQueryDto,
  ): Promise<{ items: Project[]; total: number }> {
    // A service account owns nothing: by default it lists everyone's, like `all`.
    const everyone = isServiceAccount(user);
    if (!everyone && (query.ownerId !== undefined || query.all !== undefined)) {
      requireRole(user, 'admin');
    }
    const ownerId = query.ownerId ?? (everyone ? undefined : user.userId);
    const where = query.all || ownerId === undefined ? {} : { ownerId };
    const [items, total] = await this.projects.findAndCount({
      where,
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    return { items, total };
  }

  /** 404 when it does not exist or is not the caller's (unless an admin): nothing leaks. */
  async get(user: AuthUser, id: string): Promise<Project> {
    const project = await this.projects.findOneBy({ id, ...ownerScope(user) });
    if (!project) throw notFound('Project');
    return project;
  }

  async update(user: AuthUser, id: string, changes: UpdateProjectDto): Promise<Project> {
    const project = await this.get(user, id);
    if (changes.name !== undefined) project.name = changes.name;
    if (changes.description !== undefined) project.description = changes.description;
    return this.projects.save(project);
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    const result = await this.projects.delete({ id, ...ownerScope(user) });
    if (!result.affected) throw notFound('Project');
  }
}
