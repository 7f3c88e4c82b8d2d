module.exports = { ...require('../../jest.preset.cjs'), displayName: 'sampling', rootDir: __dirname };
