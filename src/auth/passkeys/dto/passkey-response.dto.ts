import { ApiProperty } from '@nestjs/swagger';

/** A passkey just registered: no key material, only what identifies it to its owner. */
export class RegisteredPasskeyDto {
  @ApiProperty({ format: 'uuid', description: 'For DELETE /auth/passkeys/:id' })
  id: string;

  @ApiProperty({ example: 'Laptop' })
  name: string;

  @ApiProperty()
  createdAt: Date;
}

/** One of the caller's passkeys. */
export class PasskeyDto extends RegisteredPasskeyDto {
  @ApiProperty({ type: Date, nullable: true, description: 'The last sign-in with it' })
  lastUsedAt: Date | null;

  @ApiProperty({
    description:
      'Synced to other devices (a multi-device passkey, `amr: ["swk"]`) rather than bound to ' +
      'one authenticator (`["hwk"]`)',
  })
  backedUp: boolean;
}
