// Accounts: the list in the sidebar, which one is open, and what the host says about the keychain.
import { create } from 'zustand';
import type { Account, AccountInput, AppInfo, CallResult, ConnectionTest } from '../../shared/api.js';
import { call } from '../bridge.js';
import { useBrowserStore } from './browserStore.js';
import { reportError, useUiStore } from './uiStore.js';

interface AccountsStore {
  accounts: Account[];
  loaded: boolean;
  selectedId: string | null;
  appInfo: AppInfo | null;
  load: () => Promise<void>;
  select: (id: string) => void;
  /** The dialog shows the result in place (InvalidInput sentences belong next to the form). */
  save: (input: AccountInput) => Promise<CallResult<'accounts.save'>>;
  test: (request: AccountInput | { accountId: string }) => Promise<ConnectionTest>;
  remove: (account: Account) => Promise<void>;
  importAwsProfiles: () => Promise<void>;
}

function byName(a: Account, b: Account): number {
  return a.name.localeCompare(b.name);
}

export const useAccountsStore = create<AccountsStore>()((set, get) => ({
  accounts: [],
  loaded: false,
  selectedId: null,
  appInfo: null,

  load: async () => {
    const [info, list] = await Promise.all([call('app.info', {}), call('accounts.list', {})]);
    if (info.ok) set({ appInfo: info.value });
    else reportError(info.error);
    if (list.ok) set({ accounts: [...list.value].sort(byName), loaded: true });
    else reportError(list.error);
  },

  select: (id) => {
    const account = get().accounts.find((a) => a.id === id);
    if (!account) return;
    set({ selectedId: id });
    useBrowserStore.getState().openAccount(account);
  },

  save: async (input) => {
    const result = await call('accounts.save', input);
    if (result.ok) {
      const saved = result.value;
      set((s) => ({ accounts: [...s.accounts.filter((a) => a.id !== saved.id), saved].sort(byName) }));
      // An edited account that is open is reopened, so its buckets come from the new settings.
      if (get().selectedId === saved.id || get().selectedId === null) get().select(saved.id);
    }
    return result;
  },

  test: async (request) => {
    const result = await call('accounts.test', request);
    return result.ok ? result.value : { ok: false, error: result.error };
  },

  remove: async (account) => {
    const result = await call('accounts.remove', { accountId: account.id });
    if (!result.ok) {
      reportError(result.error);
      return;
    }
    set((s) => ({ accounts: s.accounts.filter((a) => a.id !== account.id) }));
    if (get().selectedId === account.id) {
      set({ selectedId: null });
      useBrowserStore.getState().openAccount(null);
    }
  },

  importAwsProfiles: async () => {
    const result = await call('accounts.importAwsProfiles', {});
    if (!result.ok) {
      reportError(result.error);
      return;
    }
    const added = result.value.added;
    set((s) => ({ accounts: [...s.accounts, ...added].sort(byName) }));
    useUiStore
      .getState()
      .showNotice(added.length === 0 ? 'No new profiles in ~/.aws.' : `Added ${added.length} account${added.length === 1 ? '' : 's'} from ~/.aws.`);
  },
}));
