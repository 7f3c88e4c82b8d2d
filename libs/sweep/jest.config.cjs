module.exports = { ...require('../../jest.preset.cjs'), displayName: 'sweep', rootDir: __dirname };
