import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersController } from './admin-users.controller.js';
import { BootstrapAdmin } from './bootstrap-admin.service.js';
import { PasswordHasher } from './password-hasher.service.js';
import { UserEmailService } from './user-email.service.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  // UsersController first: its static `users/me` routes must not be read as `users/:id`.
  controllers: [UsersController, AdminUsersController],
  providers: [UsersService, UserEmailService, PasswordHasher, BootstrapAdmin],
  exports: [UsersService, UserEmailService, PasswordHasher],
})
export class UsersModule {}
