import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Redis } from 'ioredis';
import request from 'supertest';
@Controller('x') class C { @Get() get() { return { ok: 1 }; } }
@Module({ imports: [EventEmitterModule.forRoot()], controllers: [C] }) class M {}
describe('smoke', () => {
  it('works', async () => {
    const m = await Test.createTestingModule({ imports: [M] }).compile();
    const app = m.createNestApplication(); await app.init();
    const r = await request(app.getHttpServer()).get('/x');
    expect(r.body).toEqual({ ok: 1 });
    const redis = new Redis(); expect(await redis.ping()).toBe('PONG'); await redis.quit();
    await app.close();
  });
});
