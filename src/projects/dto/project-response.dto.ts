import { ApiProperty } from '@nestjs/swagger';
import type { Project } from '../project.entity.js';

export class ProjectResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  ownerId: string;

  @ApiProperty({ example: 'Apollo' })
  name: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;

  static from(project: Project): ProjectResponseDto {
    const { id, ownerId, name, description, createdAt, updatedAt } = project;
    return Object.assign(new ProjectResponseDto(), {
      id,
      ownerId,
      name,
      description,
      createdAt,
      updatedAt,
    });
  }
}
