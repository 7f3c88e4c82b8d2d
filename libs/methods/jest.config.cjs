module.exports = { ...require('../../jest.preset.cjs'), displayName: 'methods', rootDir: __dirname };
