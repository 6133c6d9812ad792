import { expect, test } from '@playwright/test';

test('the app shell renders in Chromium', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Aura Web' })).toBeVisible();
});
