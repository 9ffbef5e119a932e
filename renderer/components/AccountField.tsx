// The Account field of a dialog that names another place (Copy to…, Replica…): every account of the app.
import { useAccountsStore } from '../stores/accountsStore.js';

export function AccountField({ id, value, onChange, disabled = false }: { id: string; value: string; onChange: (accountId: string) => void; disabled?: boolean }) {
  const accounts = useAccountsStore((s) => s.accounts);
  return (
    <div className="field">
      <label htmlFor={id}>Account</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </div>
  );
}
