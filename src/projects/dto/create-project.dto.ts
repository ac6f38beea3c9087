import { ProjectDescriptionField, ProjectNameField } from './project-name.decorator.js';

/** No `ownerId`: the owner is the caller, and an unknown property is a 400. */
export class CreateProjectDto {
  @ProjectNameField()
  name: string;

  @ProjectDescriptionField()
  description?: string | null;
}
