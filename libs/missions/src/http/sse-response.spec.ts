import { describe, expect, it } from '@jest/globals';
import { sseMessage } from './sse-response.js';

describe(sseMessage.name, () => {
  it('should frame id, event and data, ended by a blank line', () => {
    expect(sseMessage({ id: '1-0', event: 'mission.created', data: '{"a":1}' })).toBe('id: 1-0\nevent: mission.created\ndata: {"a":1}\n\n');
  });

  it('should leave out the id when there is none, so the client keeps its Last-Event-ID', () => {
    expect(sseMessage({ event: 'gap', data: '{}' })).toBe('event: gap\ndata: {}\n\n');
  });

  it('should split data on every kind of line break, so no line can end the message early', () => {
    expect(sseMessage({ event: 'x', data: 'a\nb\r\nc\rd' })).toBe('event: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n');
  });
});
