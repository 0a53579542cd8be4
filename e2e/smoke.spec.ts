import { expect, test } from '@playwright/test';

test('the app page loads with its title', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/Kinetoscope/);
});
