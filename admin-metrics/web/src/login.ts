import { login } from './api.ts';

/** The login form; resolves once the server accepted the password (the cookie is set). */
export function showLogin(root: HTMLElement): Promise<void> {
  root.innerHTML = `
    <form class="login" autocomplete="on">
      <h1>Avelon · live metrics</h1>
      <p>Admins only. Read-only: nothing here changes the platform.</p>
      <label>User <input name="user" autocomplete="username" value="admin" required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required autofocus></label>
      <button type="submit">Log in</button>
      <p class="error" role="alert" hidden></p>
    </form>`;
  const form = root.querySelector('form') as HTMLFormElement;
  const error = root.querySelector('.error') as HTMLElement;
  return new Promise((resolve) => {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      try {
        await login(String(data.get('user')), String(data.get('password')));
        resolve();
      } catch (err) {
        error.hidden = false;
        error.textContent = (err as Error).message;
      }
    });
  });
}
