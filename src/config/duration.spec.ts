import { parseByteSize, parseDurationSeconds } from './duration.js';

describe('parseByteSize', () => {
  it.each([
    ['102400', 102_400],
    ['100kb', 102_400],
    ['100KB', 102_400],
    ['1mb', 1_048_576],
    ['512 b', 512],
  ])('reads %p as %p bytes', (value, bytes) => {
    expect(parseByteSize(value)).toBe(bytes);
  });

  it.each(['', 'lots', '1.5mb', '-1', '10gb'])('refuses %p', (value) => {
    expect(parseByteSize(value)).toBeUndefined();
  });
});

describe('parseDurationSeconds', () => {
  it('reads units and refuses the rest', () => {
    expect(parseDurationSeconds('15m')).toBe(900);
    expect(parseDurationSeconds('2d')).toBe(172_800);
    expect(parseDurationSeconds('1.5h')).toBeUndefined();
  });
});
