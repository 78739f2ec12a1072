module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'docker-adapter',
  rootDir: __dirname,
};
