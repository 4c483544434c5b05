// Deploys the Migrations bookkeeping contract tronbox uses to resume migrations.
const Migrations = artifacts.require('./Migrations.sol');

module.exports = function (deployer) {
  deployer.deploy(Migrations);
};
