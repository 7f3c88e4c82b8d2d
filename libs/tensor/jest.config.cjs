module.exports = { ...require('../../jest.preset.cjs'), displayName: 'tensor', rootDir: __dirname };
