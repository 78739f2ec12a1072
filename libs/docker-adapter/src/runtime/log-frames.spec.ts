import { LogFrameParser, parseLogFrames } from './log-frames';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('docker log frames', () => {
  it('splits stdout and stderr into lines, in order', () => {
    const lines = parseLogFrames(Buffer.concat([frame(1, 'one\ntwo\n'), frame(2, 'oops\n'), frame(1, 'three')]));
    expect(lines).toEqual([
      { stream: 'stdout', text: 'one' },
      { stream: 'stdout', text: 'two' },
      { stream: 'stderr', text: 'oops' },
      { stream: 'stdout', text: 'three' },
    ]);
  });

  it('joins frames and lines cut across chunks', () => {
    const whole = Buffer.concat([frame(1, 'hel'), frame(1, 'lo\nwor'), frame(1, 'ld\n')]);
    const parser = new LogFrameParser();
    const lines = [
      ...parser.push(whole.subarray(0, 5)),
      ...parser.push(whole.subarray(5, 13)),
      ...parser.push(whole.subarray(13)),
      ...parser.end(),
    ];
    expect(lines).toEqual([
      { stream: 'stdout', text: 'hello' },
      { stream: 'stdout', text: 'world' },
    ]);
  });
});
