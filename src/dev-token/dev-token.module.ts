import { Module } from '@nestjs/common';
import { DevTokenController } from './dev-token.controller.js';

/** `POST /api/dev/token` for the dashboard's sign-in page; answers 404 unless the development secret is in use. */
@Module({ controllers: [DevTokenController] })
export class DevTokenModule {}
