import { ProjectDescriptionField, ProjectNameField } from './project-name.decorator.js';

export class UpdateProjectDto {
  @ProjectNameField({ optional: true })
  name?: string;

  /** null clears it. */
  @ProjectDescriptionField()
  description?: string | null;
}
