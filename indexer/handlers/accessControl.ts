/** OpenZeppelin AccessControl events, which GiftVault and RewardPool both emit. */
import { roleAdmins, roles } from '../db/schema.js';
import type { ContractName } from '../../lib/deployments.js';
import { str, type HandlerMap } from './context.js';

/** Handlers of RoleGranted, RoleRevoked and RoleAdminChanged for `contract`. */
export function accessControlHandlers(contract: ContractName): HandlerMap {
  return {
    [`${contract}:RoleGranted`]: async (e, ctx) => {
      ctx.store.put(roles, {
        contract,
        role: str(e.args, 'role'),
        account: str(e.args, 'account'),
        grantedAt: e.timestamp,
        blockNumber: e.blockNumber,
      });
    },
    [`${contract}:RoleRevoked`]: async (e, ctx) => {
      ctx.store.remove(roles, contract, str(e.args, 'role'), str(e.args, 'account'));
    },
    [`${contract}:RoleAdminChanged`]: async (e, ctx) => {
      ctx.store.put(roleAdmins, {
        contract,
        role: str(e.args, 'role'),
        adminRole: str(e.args, 'newAdminRole'),
        blockNumber: e.blockNumber,
      });
    },
  };
}
