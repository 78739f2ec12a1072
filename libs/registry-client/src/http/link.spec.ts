import { nextPageUrl } from './link';

describe('nextPageUrl', () => {
  const page = 'http://127.0.0.1:5000/v2/_catalog?n=2';

  it('resolves a relative link against the page URL', () => {
    expect(nextPageUrl('</v2/_catalog?last=b&n=2>; rel="next"', page)).toBe(
      'http://127.0.0.1:5000/v2/_catalog?last=b&n=2',
    );
  });

  it('keeps an absolute link', () => {
    expect(nextPageUrl('<https://mirror.example/v2/app/tags/list?n=2&last=v2>; rel=next', page)).toBe(
      'https://mirror.example/v2/app/tags/list?n=2&last=v2',
    );
  });

  it('picks the next link among several', () => {
    expect(nextPageUrl('</v2/_catalog?n=2>; rel="first", </v2/_catalog?last=d&n=2>; rel="next"', page)).toBe(
      'http://127.0.0.1:5000/v2/_catalog?last=d&n=2',
    );
  });

  it('has no next page without a header or a next relation', () => {
    expect(nextPageUrl(null, page)).toBeUndefined();
    expect(nextPageUrl('</v2/_catalog?n=2>; rel="prev"', page)).toBeUndefined();
  });
});
